// `pipeline-manifest`: write the Telemetra pipeline that brings the Lyon plant's temperatures
// into the time-series store. Every requirement of the statement is one check, named after
// the field it is about, so the team sees exactly which line of `pipeline.toml` to fix.
//
// The JavaScript twin of ../../../02-pipeline-manifest/validator/src/lib.rs: the same checks,
// in the same order, with the same messages (package/tests/parity.rs holds it to that).
//
// Config: `allow_unknown_keys` (default `"false"`): whether keys the pipeline format does not
// know fail the `unknown-keys` check (a typo such as `retention_day` is the classic cliff).

import { SubmissionError, config, judge, log, toml, validator } from '@cohack/sdk';

const POINTS = 200;
const FILE = 'pipeline.toml';
const BROKER_HOST = 'broker.lyon.telemetra.example';

/** The keys the pipeline format knows, per table; everything else is reported as unknown. */
const KNOWN_KEYS = [
  ['pipeline', ['name', 'workers', 'description']],
  ['source', ['kind', 'url', 'topic', 'client_id']],
  ['sink', ['kind', 'retention_days', 'batch_size', 'database']],
  ['transform', ['type', 'field', 'equals', 'to', 'target']],
];

export const { validate, materials } = validator({
  validate(s) {
    return judge(POINTS, (v) => {
      const table = s.toml(FILE);
      checkPipeline(v, table);
      checkSource(v, table);
      checkTransforms(v, table);
      checkSink(v, table);
      const strict = !config.parseOr('allow_unknown_keys', false);
      checkUnknownKeys(v, table, strict);
      if (v.allChecksPassed()) {
        v.feedback("Pipeline accepted: Lyon's temperatures are flowing into the time-series store.");
      }
    });
  },
});

/** Fails the check being written with `message`. */
function reject(message) {
  throw new SubmissionError(message);
}

/** The value at `path` as a string; a missing or mistyped value rejects the check. */
function stringAt(table, path) {
  const value = toml.lookup(table, path);
  if (value === undefined) {
    return reject(`\`${path}\` is missing.`);
  }
  if (typeof value !== 'string') {
    return reject(`\`${path}\` must be a string, got ${toml.typeOf(value)} (\`${toml.display(value)}\`).`);
  }
  return value;
}

/** The value at `path` as an integer (a `bigint`); a missing or mistyped value rejects. */
function integerAt(table, path) {
  const value = toml.lookup(table, path);
  if (value === undefined) {
    return reject(`\`${path}\` is missing.`);
  }
  if (typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'string' && isI64(value.trim())) {
    return reject(`\`${path}\` must be an integer, not a string: write ${value} without quotes.`);
  }
  return reject(`\`${path}\` must be an integer, got ${toml.typeOf(value)} (\`${toml.display(value)}\`).`);
}

/** Whether `text` is what Rust's `str::parse::<i64>` accepts. */
function isI64(text) {
  if (!/^[+-]?\d+$/.test(text)) {
    return false;
  }
  const n = BigInt(text);
  return n >= -(1n << 63n) && n < 1n << 63n;
}

function checkPipeline(v, t) {
  v.checkResult('pipeline.name', () => {
    const name = stringAt(t, 'pipeline.name');
    const kebab = name.split('-').every((part) => part !== '' && /^[a-z0-9]+$/.test(part));
    // Rust counts bytes.
    const length = new TextEncoder().encode(name).length;
    if (length < 3 || length > 40) {
      return reject(`\`pipeline.name\` must be 3 to 40 characters long (\`${name}\` has ${length}).`);
    }
    if (!kebab) {
      return reject(`\`pipeline.name\` must be kebab-case (lowercase letters, digits and single dashes), got \`${name}\`.`);
    }
    return `\`pipeline.name\` = \`${name}\`.`;
  });

  v.checkResult('pipeline.workers', () => {
    const n = integerAt(t, 'pipeline.workers');
    if (n >= 1n && n <= 8n) {
      return `\`pipeline.workers\` = ${n}.`;
    }
    return reject(`\`pipeline.workers\` must be between 1 and 8 (the gateway has 8 cores), got ${n}.`);
  });
}

function checkSource(v, t) {
  v.checkResult('source.kind', () => {
    const kind = stringAt(t, 'source.kind');
    if (kind === 'mqtt') {
      return '`source.kind` = `mqtt`.';
    }
    if (kind === 'kafka' || kind === 'http') {
      return reject(`\`source.kind\` is \`${kind}\`, but the Lyon sensors publish over MQTT.`);
    }
    return reject(`\`source.kind\` must be one of \`mqtt\`, \`kafka\`, \`http\`; the Lyon sensors need \`mqtt\` (got \`${kind}\`).`);
  });

  v.checkResult('source.url', () => {
    const url = stringAt(t, 'source.url');
    const separator = url.indexOf('://');
    if (separator === -1) {
      return reject(`\`source.url\` must look like \`scheme://host:port\`, got \`${url}\`.`);
    }
    const scheme = url.slice(0, separator);
    const rest = url.slice(separator + 3).replace(/\/+$/, '');
    const colon = rest.indexOf(':');
    const [host, port] = colon === -1 ? [rest, ''] : [rest.slice(0, colon), rest.slice(colon + 1)];
    if (scheme === 'mqtt') {
      return reject("`source.url` uses plain `mqtt://`: the plant's broker only accepts TLS, use `mqtts://`.");
    }
    if (scheme !== 'mqtts') {
      return reject(`\`source.url\` scheme must be \`mqtts\`, got \`${scheme}\`.`);
    }
    if (host !== BROKER_HOST) {
      return reject(`\`source.url\` must point at the Lyon broker \`${BROKER_HOST}\`, got \`${host}\`.`);
    }
    if (port === '') {
      return reject("`source.url` has no port: the broker's TLS listener is on 8883.");
    }
    if (port !== '8883') {
      return reject(`\`source.url\` port ${port} is not the TLS listener: use 8883.`);
    }
    return `\`source.url\` = \`${url}\`.`;
  });

  v.checkResult('source.topic', () => {
    const topic = stringAt(t, 'source.topic');
    if (topic === 'lyon/+/temperature') {
      return "`source.topic` subscribes to every line's temperature.";
    }
    if (topic === 'lyon/#' || topic === 'lyon/+/#') {
      return reject(`\`source.topic\` = \`${topic}\` also receives humidity and vibration: use a single-level wildcard for the line only.`);
    }
    if (topic.startsWith('lyon/') && topic.endsWith('/temperature') && !topic.includes('+')) {
      return reject(`\`source.topic\` = \`${topic}\` only covers one production line: use a wildcard for the line number.`);
    }
    return reject(`\`source.topic\` must match every line's temperature topic (\`lyon/<line>/temperature\`), got \`${topic}\`.`);
  });
}

/** One `[[transform]]` entry, as far as it could be read. */
class Transform {
  constructor(table) {
    this.table = table;
    this.kind = this.str('type');
  }

  /** The value of `key` if it is a string. */
  str(key) {
    const value = Object.hasOwn(this.table, key) ? this.table[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  isDropBad() {
    return this.kind === 'drop' && this.str('field') === 'quality' && this.str('equals') === 'bad';
  }

  isConvert() {
    return this.kind === 'convert'
      && this.str('field') === 'temp_f'
      && this.str('to') === 'celsius'
      && this.str('target') === 'temp_c';
  }
}

function checkTransforms(v, t) {
  const value = Object.hasOwn(t, 'transform') ? t.transform : undefined;
  if (value === undefined) {
    v.failCheck('transform', 'There is no `[[transform]]` step: the pipeline must drop bad readings and convert to Celsius.');
    return;
  }
  if (!Array.isArray(value)) {
    v.failCheck('transform', `\`transform\` must be an array of tables (\`[[transform]]\`), got ${toml.typeOf(value)}.`);
    return;
  }
  const transforms = value.filter(toml.isTable).map((table) => new Transform(table));
  const drop = transforms.findIndex((step) => step.isDropBad());
  const convert = transforms.findIndex((step) => step.isConvert());

  v.checkResult('transform.drop', () => {
    if (drop !== -1) {
      return `Step ${drop + 1} drops readings whose \`quality\` is \`bad\`.`;
    }
    if (transforms.some((step) => step.kind === 'drop')) {
      return reject('A `drop` step exists but does not drop `quality` = `bad`: set `field = "quality"` and `equals = "bad"`.');
    }
    return reject('No `drop` step removes readings whose `quality` is `bad`.');
  });

  v.checkResult('transform.convert', () => {
    if (convert !== -1) {
      return `Step ${convert + 1} converts \`temp_f\` to Celsius into \`temp_c\`.`;
    }
    const step = transforms.find((s) => s.kind === 'convert');
    if (!step) {
      return reject('No `convert` step turns `temp_f` into Celsius.');
    }
    if (step.str('to') === 'fahrenheit') {
      return reject('The `convert` step goes the wrong way: the sensors send Fahrenheit, the store wants `to = "celsius"`.');
    }
    if (step.str('target') === undefined) {
      return reject('The `convert` step has no `target`: the dashboards read the `temp_c` field.');
    }
    return reject('The `convert` step must read `temp_f`, convert `to = "celsius"` and write `target = "temp_c"`.');
  });

  if (drop !== -1 && convert !== -1) {
    const inOrder = drop < convert;
    v.check(
      'transform.order',
      inOrder,
      inOrder
        ? 'Bad readings are dropped before conversion: no work wasted on them.'
        : 'Drop bad readings *before* converting them: steps run in file order, and conversions are the expensive part.',
    );
  }
}

function checkSink(v, t) {
  v.checkResult('sink.kind', () => {
    const kind = stringAt(t, 'sink.kind');
    if (kind === 'timeseries') {
      return '`sink.kind` = `timeseries`.';
    }
    return reject(`\`sink.kind\` must be \`timeseries\` (the dashboards read from it), got \`${kind}\`.`);
  });

  v.checkResult('sink.retention_days', () => {
    const days = integerAt(t, 'sink.retention_days');
    if (days === 30n) {
      return "`sink.retention_days` = 30, as the plant's data policy requires.";
    }
    if (days > 30n) {
      return reject(`\`sink.retention_days\` = ${days} keeps data longer than the 30 days the policy allows.`);
    }
    return reject(`\`sink.retention_days\` = ${days}: the policy requires 30 days of history.`);
  });

  v.checkResult('sink.batch_size', () => {
    const n = integerAt(t, 'sink.batch_size');
    if (n < 64n || n > 4096n) {
      return reject(`\`sink.batch_size\` must be between 64 and 4096, got ${n}.`);
    }
    if ((n & (n - 1n)) !== 0n) {
      return reject(`\`sink.batch_size\` must be a power of two (64, 128, …, 4096), got ${n}.`);
    }
    return `\`sink.batch_size\` = ${n}.`;
  });
}

function checkUnknownKeys(v, t, strict) {
  const unknown = [];
  // In the Rust SDK's order: tables keep their keys sorted.
  for (const key of Object.keys(t).sort(toml.byCodePoint)) {
    const entry = KNOWN_KEYS.find(([name]) => name === key);
    if (!entry) {
      unknown.push(`\`${key}\`${suggestion(key, KNOWN_KEYS.map(([name]) => name))}`);
      continue;
    }
    const [, known] = entry;
    const value = t[key];
    const tables = toml.isTable(value) ? [value] : Array.isArray(value) ? value.filter(toml.isTable) : [];
    for (const table of tables) {
      for (const inner of Object.keys(table).sort(toml.byCodePoint)) {
        if (!known.includes(inner)) {
          unknown.push(`\`${key}.${inner}\`${suggestion(inner, known)}`);
        }
      }
    }
  }
  // Repeats next to each other (the same typo in two `[[transform]]`s) are named once.
  const named = unknown.filter((item, i) => i === 0 || item !== unknown[i - 1]);
  if (named.length === 0) {
    v.passCheck('unknown-keys', 'No unknown keys.');
    return;
  }
  const message = `Unknown key(s), ignored by the pipeline: ${named.join(', ')}.`;
  if (strict) {
    v.failCheck('unknown-keys', message);
  } else {
    log.info(message);
    v.passCheck('unknown-keys', message);
  }
}

/** " (did you mean `x`?)" when a known key is one or two typos away from `key`. */
function suggestion(key, known) {
  let best;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(candidate, key);
    if (distance <= 2 && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean \`${best}\`?)`;
}

/** Levenshtein distance, over characters. */
function editDistance(a, b) {
  const bs = [...b];
  const row = Array.from({ length: bs.length + 1 }, (_, i) => i);
  let i = 0;
  for (const ca of a) {
    let previous = row[0];
    row[0] = i + 1;
    for (let j = 0; j < bs.length; j += 1) {
      const substitute = previous + (ca === bs[j] ? 0 : 1);
      previous = row[j + 1];
      row[j + 1] = Math.min(substitute, row[j] + 1, previous + 1);
    }
    i += 1;
  }
  return row[bs.length];
}
