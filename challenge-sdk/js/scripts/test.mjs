#!/usr/bin/env node
// Runs a JavaScript validator's unit tests natively, as `cargo test` does for a Rust one:
//
//   node challenge-sdk/js/scripts/test.mjs <validator dir> [more node --test arguments]
//
// Runs `node --test` on the `*.test.js` files in the folder (and below), with `@cohack/sdk`
// resolved to this SDK, whose stand-ins answer for the host: `testing.setConfig`,
// `testing.takeLogs`, `testing.respond` for the network. Exits with node's status.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dir, ...rest] = process.argv.slice(2);
if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
  process.stderr.write('usage: test.mjs <validator dir> [node --test arguments]\n');
  process.exit(2);
}

function testFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || entry.name === 'target' ? [] : testFiles(path);
    }
    return entry.name.endsWith('.test.js') || entry.name.endsWith('.test.mjs') ? [path] : [];
  });
}

const files = testFiles(resolve(dir)).sort();
if (files.length === 0) {
  process.stderr.write(`no *.test.js files in ${dir}\n`);
  process.exit(1);
}
const register = fileURLToPath(new URL('./register.mjs', import.meta.url));
const node = spawnSync(process.execPath, ['--import', register, '--test', ...rest, ...files], { stdio: 'inherit' });
process.exit(node.status ?? 1);
