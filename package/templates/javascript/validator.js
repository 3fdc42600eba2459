// The validator: judges every submission, in the cohack sandbox. (A minimal template written
// by the build's side until the JavaScript SDK's own lands here.)
//
// `cohack challenge build` bundles this module with @cohack/sdk (esbuild) and makes a
// WebAssembly component of it (componentize-js); `cohack challenge test` runs it on every
// sample.
import { config, judge, validator } from '@cohack/sdk';

// The challenge's points: must match `points` in challenge.toml.
const POINTS = 100;

// The component's entry points, `validate` and `materials`, made from the functions above.
export const { validate, materials } = validator({
  validate(s) {
    // `judge` turns a SubmissionError (a missing file, say) into a failed check.
    return judge(POINTS, (v) => {
      const greeting = s.text('hello.txt').trim();
      const greeted = greeting === 'hello, telemetry';
      v.check(
        'greeting',
        greeted,
        greeted
          ? '`hello.txt` says hello.'
          : `\`hello.txt\` must contain \`hello, telemetry\`, not \`${greeting}\`.`,
      );

      // Settings come from challenge.toml's [config], overridable per event.
      const expected = config.getOr('answer', '42');
      const right = s.answer() === expected;
      v.check('answer', right, right ? 'Right.' : 'Not the answer we expected.');
      v.note(`expected answer: ${expected}`);
    });
  },
});
