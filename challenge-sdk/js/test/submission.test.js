// Reading a submission, the Rust SDK's tests ported (challenge-sdk/src/submission.rs), and
// the JSON, TOML and CSV readers on it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { File, Submission, SubmissionError, json } from '../src/index.js';

function sample() {
  return new Submission('c', 't')
    .withAnswer('  42\n')
    .withFile('out.csv', 'a,b\n1,2\n')
    .withFile('results/Report.json', '{}')
    .withFile('bom.txt', new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))
    .withFile('bin.dat', new Uint8Array([0x6f, 0x6b, 0x0a, 0xff]));
}

test('the answer is trimmed', () => {
  assert.equal(sample().answer(), '42');
  assert.equal(sample().rawAnswer, '  42\n');
});

test('files are found by normalised path', () => {
  const s = sample();
  assert.ok(s.hasFile('./out.csv'));
  assert.ok(s.hasFile('/out.csv'));
  assert.ok(s.hasFile('results\\Report.json'));
  assert.equal(s.text('out.csv'), 'a,b\n1,2\n');
  assert.deepEqual(s.paths(), ['out.csv', 'results/Report.json', 'bom.txt', 'bin.dat']);
});

test('missing files get helpful errors', () => {
  const s = sample();
  assert.throws(() => s.file('results/report.json'), /case-sensitive/);
  assert.throws(() => s.file('Report.json'), /found `results\/Report.json`: submit it as `Report.json`/);
  assert.throws(() => s.file('nope.txt'), /submitted: `out.csv`/);
  assert.throws(() => new Submission('c', 't').file('x'), {
    name: 'SubmissionError',
    message: '`x` is missing from the submission (no files were submitted).',
  });
});

test('endpoints are found by name or asked for', () => {
  const s = sample().withEndpoint('api', ' https://team.example/ ');
  assert.equal(s.endpoint('api'), 'https://team.example/');
  assert.equal(s.endpoints.length, 1);
  assert.throws(() => s.endpoint('admin'), {
    message: "Set your team's endpoint `admin` in the workspace's Endpoints panel, then submit again.",
  });
  assert.throws(() => new Submission('c', 't').withEndpoint('api', '').endpoint('api'), SubmissionError);
});

test('text drops the BOM and reports bad UTF-8 with its line', () => {
  const s = sample();
  assert.equal(s.text('bom.txt'), 'hi');
  assert.throws(() => s.text('bin.dat'), {
    message: '`bin.dat` is not UTF-8 text (invalid byte on line 2); save it as UTF-8',
  });
  assert.throws(() => new File('x', new Uint8Array([0xc3])).text(), /line 1/);
  assert.throws(() => new File('x', new Uint8Array([0xed, 0xa0, 0x80])).text(), /not UTF-8/);
  assert.equal(new File('x', 'é€😀').text(), 'é€😀');
});

test('a submission from the contract\'s record', () => {
  const s = Submission.fromRecord({
    challenge: 'c', team: 't', answer: ' 7 ',
    files: [{ path: 'a.txt', content: new TextEncoder().encode('hi') }],
    endpoints: [{ name: 'api', url: 'https://x.example/' }],
  });
  assert.equal(s.answer(), '7');
  assert.equal(s.text('a.txt'), 'hi');
  assert.equal(s.endpoint('api'), 'https://x.example/');
});

test('json names the file and says where the problem is', () => {
  const s = new Submission('c', 't').withFile('r.json', '{\n  "a": 1\n  "b": 2\n}').withFile('ok.json', '{"x": 1}');
  assert.deepEqual(s.json('ok.json'), { x: 1 });
  assert.throws(() => s.json('r.json'), (e) => e instanceof SubmissionError
    && e.message.startsWith('`r.json`: is not valid JSON: ') && /line 3/.test(e.message));
  assert.throws(() => s.json('missing.json'), { message: /^`missing.json` is missing/ });
});

test('json writes bigints as integers', () => {
  assert.equal(json.toPretty({ n: 12345678901234567890n }), '{\n  "n": 12345678901234567890\n}');
});

test('toml keeps integers and floats apart, and names the file on errors', () => {
  const s = new Submission('c', 't')
    .withFile('p.toml', '[sink]\nkind = "ts"\nretention_days = 30\nratio = 30.0\n')
    .withFile('bad.toml', '[sink]\nkind = ts\n');
  const t = s.toml('p.toml');
  assert.equal(t.sink.retention_days, 30n);
  assert.equal(t.sink.ratio, 30);
  assert.equal(s.toml('p.toml', { integersAsBigInt: 'asNeeded' }).sink.retention_days, 30);
  assert.throws(() => s.toml('bad.toml'), {
    message: '`bad.toml`: is not valid TOML: TOML parse error at line 2, column 8\n'
      + '  |\n2 | kind = ts\n  |        ^^\ninvalid boolean, expected `true`',
  });
});

test('csv names the file', () => {
  const s = new Submission('c', 't').withFile('o.csv', 'a,b\n1,2,3\n').withFile('s.csv', 'a;b\n1;2\n');
  assert.throws(() => s.csv('o.csv'), { message: '`o.csv`: line 2 has 3 fields but the header has 2' });
  assert.equal(s.csv('s.csv', ';').records()[0].get('b'), '2');
});
