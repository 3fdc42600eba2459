// The validator: judges every submission, in the cohack sandbox.
//
// `cohack challenge build` bundles this module with @cohack/sdk (esbuild) and makes a
// WebAssembly component of it (componentize-js); `cohack challenge test` runs it on every
// sample. Its top level runs once, when the component is built: read the submission and the
// config inside `validate` only.
import { config, judge, validator } from '@cohack/sdk';

// The challenge's points: must match `points` in challenge.toml.
const POINTS = 100;

// The component exports the contract's two functions, `validate` and `materials`.
export const { validate, materials } = validator({
  validate(s) {
    // `judge` turns what the SDK's readers throw (a missing file, a parse error) into a
    // failed check.
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

  // The files each team starts from, if any:
  // materials(team) { return [new File('events.csv', generate(team))]; },
});
