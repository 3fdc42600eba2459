#!/usr/bin/env node
// Builds a JavaScript validator into a WebAssembly component for `cohack:validator@0.2.0`:
//
//   node challenge-sdk/js/scripts/build.mjs <validator dir> <out.wasm> [--wit DIR] [--modules DIR]
//
// 1. installs the pinned tools (package.json + package-lock.json: componentize-js, esbuild,
//    smol-toml) with `npm ci` into challenge-sdk/js/node_modules, or into `--modules DIR` (a
//    cache), unless they are there already;
// 2. bundles `<validator dir>/validator.js` (an ES module importing `@cohack/sdk` and
//    exporting the world's `validate` and `materials`) with the SDK into one module (esbuild);
// 3. componentizes the bundle against challenge-sdk/wit, world `validator` (componentize-js),
//    with `fetch` (wasi:http) only when the bundle uses it, and writes `<out.wasm>`, with the
//    bundle beside it as `<out>.bundle.js` (the file stack traces in the run log point into).
//
// The same steps, with the same flags, as `cohack challenge build` (package/src/build/
// javascript.rs), which installs the tools into its own cache instead; this script is for
// building by hand and for the SDK's own tests.
//
// Prints one line (`built <out.wasm>: 11.5 MiB, wasi:http: no, in 7.9 s`); on an error, says
// what to fix and exits 1.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SDK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_WIT = resolve(SDK_DIR, '..', 'wit');
/** The world every validator targets. */
const WORLD = 'validator';

class BuildError extends Error {}

function parseArgs(argv) {
  const positional = [];
  const options = { wit: DEFAULT_WIT, modules: join(SDK_DIR, 'node_modules') };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--wit' || arg === '--modules') {
      const value = argv[i + 1];
      if (!value) throw new BuildError(`${arg} needs a directory`);
      options[arg.slice(2)] = resolve(value);
      i += 1;
    } else if (arg === '-h' || arg === '--help') {
      options.help = true;
    } else if (arg.startsWith('-')) {
      throw new BuildError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (options.help) return options;
  if (positional.length !== 2) {
    throw new BuildError('usage: build.mjs <validator dir> <out.wasm> [--wit DIR] [--modules DIR]');
  }
  [options.validatorDir, options.out] = positional.map((p) => resolve(p));
  return options;
}

/** Installs the locked tools into `modules` unless the locked versions are there already. */
function ensureTools(modules) {
  const lock = JSON.parse(readFileSync(join(SDK_DIR, 'package-lock.json'), 'utf8'));
  const wanted = (name) => lock.packages[`node_modules/${name}`]?.version;
  const installed = (name) => {
    const manifest = join(modules, name, 'package.json');
    return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
  };
  const tools = ['@bytecodealliance/componentize-js', 'esbuild', 'smol-toml'];
  if (tools.every((name) => installed(name) === wanted(name))) {
    return;
  }
  // npm installs into <prefix>/node_modules: a cache directory gets the manifest and the lock.
  const prefix = dirname(modules);
  if (basename(modules) !== 'node_modules') {
    throw new BuildError(`--modules must name a node_modules directory, got ${modules}`);
  }
  if (prefix !== SDK_DIR) {
    mkdirSync(prefix, { recursive: true });
    copyFileSync(join(SDK_DIR, 'package.json'), join(prefix, 'package.json'));
    copyFileSync(join(SDK_DIR, 'package-lock.json'), join(prefix, 'package-lock.json'));
  }
  process.stderr.write(`installing ${tools.map((t) => `${t}@${wanted(t)}`).join(', ')} into ${modules}\n`);
  const npm = spawnSync('npm', ['ci', '--include=dev', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: prefix, stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (npm.status !== 0) {
    throw new BuildError(`npm ci failed in ${prefix} (exit ${npm.status ?? npm.signal})`);
  }
}

/** The export names of the author's module, to say early what is missing. */
async function authorExports(esbuild, source, modules) {
  const result = await esbuild.build({
    entryPoints: [source],
    bundle: false,
    write: false,
    format: 'esm',
    platform: 'neutral',
    metafile: true,
    logLevel: 'silent',
    nodePaths: [modules],
  });
  return Object.values(result.metafile.outputs)[0]?.exports ?? [];
}

async function build(options) {
  const started = Date.now();
  const source = join(options.validatorDir, 'validator.js');
  if (!existsSync(source)) {
    throw new BuildError(`${source} does not exist: a JavaScript validator is validator/validator.js`);
  }
  if (!existsSync(join(options.wit, 'validator.wit'))) {
    throw new BuildError(`${options.wit} has no validator.wit: pass --wit challenge-sdk/wit`);
  }
  ensureTools(options.modules);
  const esbuild = await import(pathToFileURL(join(options.modules, 'esbuild', 'lib', 'main.js')).href);
  const { componentize } = await import(
    pathToFileURL(join(options.modules, '@bytecodealliance', 'componentize-js', 'src', 'componentize.js')).href
  );

  const exports = await authorExports(esbuild, source, options.modules).catch((error) => {
    throw new BuildError(`${source} does not parse:\n${error.message}`);
  });
  const missing = ['validate', 'materials'].filter((name) => !exports.includes(name));
  if (missing.length > 0) {
    throw new BuildError(
      `${source} does not export ${missing.map((m) => `\`${m}\``).join(' and ')}, the world's exports: end it with\n`
      + '  export const { validate, materials } = validator({ validate(submission) { … } });',
    );
  }

  const outDir = dirname(options.out);
  mkdirSync(outDir, { recursive: true });
  const bundle = options.out.replace(/\.wasm$/, '') + '.bundle.js';
  // The same bundle as `cohack challenge build` makes (package/src/build/javascript.rs):
  // `@cohack/sdk` is this folder, whose `module` entry (src/component.js) wires the host
  // in; the contract's and WASI's interfaces stay imports of the component.
  const bundled = await esbuild.build({
    entryPoints: [source],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    external: ['cohack:*', 'wasi:*'],
    alias: { '@cohack/sdk': SDK_DIR },
    nodePaths: [options.modules],
    logLevel: 'silent',
  }).catch((error) => {
    throw new BuildError(`bundling ${source} failed:\n${error.message}`);
  });
  for (const warning of bundled.warnings) {
    process.stderr.write(`warning: ${warning.text}\n`);
  }
  const code = readFileSync(bundle, 'utf8');
  // Only a bundle that calls `fetch(` gets wasi:http (as the Rust build decides): the
  // Rust SDK's promise that a validator sending no request imports none of it.
  const usesFetch = code.includes('fetch(');
  const disableFeatures = ['fetch-event', ...(usesFetch ? [] : ['http'])];

  // componentize-js names the source in stack traces relative to the working directory.
  const cwd = process.cwd();
  process.chdir(outDir);
  let component;
  try {
    ({ component } = await componentize({
      sourcePath: bundle,
      witPath: options.wit,
      worldName: WORLD,
      disableFeatures,
    }));
  } catch (error) {
    throw new BuildError(`componentize-js failed on ${bundle}:\n${error.message}`);
  } finally {
    process.chdir(cwd);
  }
  writeFileSync(options.out, component);
  const mib = (statSync(options.out).size / (1 << 20)).toFixed(1);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`built ${options.out}: ${mib} MiB, wasi:http: ${usesFetch ? 'yes' : 'no'}, in ${seconds} s\n`);
}

try {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 18)
      .map((line) => line.replace(/^\/\/ ?/, '')).join('\n') + '\n');
  } else {
    await build(options);
  }
} catch (error) {
  if (error instanceof BuildError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
