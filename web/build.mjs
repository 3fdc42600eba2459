// Bundles the portal's browser code into one folder that server/build.rs embeds in the binary.
// Usage: node build.mjs OUT_DIR
import { build } from "esbuild";
import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs OUT_DIR");
  process.exit(2);
}

// One bundle per page script (src/pages/*.js) plus the shared stylesheet.
const pages = readdirSync(new URL("./src/pages/", import.meta.url))
  .filter((name) => name.endsWith(".js"))
  .map((name) => `src/pages/${name}`);

await build({
  // report.css stands alone: the report file inlines it without app.css.
  entryPoints: [...pages, "src/css/app.css", "src/css/report.css"],
  outdir,
  entryNames: "[name]",
  bundle: true,
  minify: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
});

// Static files (icons) are copied as they are.
for (const name of readdirSync(new URL("./src/static/", import.meta.url))) {
  copyFileSync(new URL(`./src/static/${name}`, import.meta.url), join(outdir, name));
}
