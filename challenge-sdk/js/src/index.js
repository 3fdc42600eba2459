// `@cohack/sdk`: write a cohack challenge validator in JavaScript.
//
// A validator is a WebAssembly component that the cohack server runs in a sandbox on every
// submission; `scripts/build.mjs` bundles `validator/validator.js` with this SDK (esbuild) and
// componentizes it against `challenge-sdk/wit` (componentize-js). The vocabulary is the Rust
// SDK's (`challenge-sdk/src`):
//
// ```js
// import { judge, validator } from '@cohack/sdk';
//
// export default validator({
//   validate(s) {
//     return judge(100, (v) => {
//       const ok = s.answer() === '42';
//       v.check('answer', ok, ok ? 'Correct.' : 'Not quite: re-read the log.');
//     });
//   },
// });
// ```
//
// The pieces:
// - `validator`: the entry points the server calls (`validate`, `materials`);
// - `Verdict.builder`, `judge`: pass/fail, partial credit, one check per criterion;
// - `Submission#file`, `#text`, `#json`, `#toml`, `#csv`, `#endpoint`: read what the team
//   submitted, with errors the team can act on (`SubmissionError`);
// - `http`: call the team's deployed service (contract 0.2.0);
// - `log` and `config`: the host functions, wrapped; `http.budget` is the third;
// - `TeamRng`: deterministic per-team variants, the Rust SDK's sequence bit for bit;
// - `testing`: stand-ins for the host, for `node --test`.

export { SubmissionError, ValidatorError } from './errors.js';
export { Verdict, VerdictBuilder, judge, MAX_SHOWN_CHECKS } from './verdict.js';
export { File, Submission } from './submission.js';
export { TeamRng } from './variant.js';
export { validator } from './validator.js';
export * as config from './config.js';
export * as csv from './csv.js';
export * as http from './http/index.js';
export * as json from './json.js';
export * as log from './log.js';
export * as testing from './testing.js';
export * as toml from './toml.js';
