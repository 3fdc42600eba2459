// JSON: parse with errors that say where the problem is.

import { SubmissionError } from './errors.js';

/**
 * Parses `text` as JSON. The error says what is wrong and where: "is not valid JSON:
 * expected ',' or '}' after property value in object at line 3 column 5".
 * @param {string} text
 * @returns {any}
 * @throws {SubmissionError}
 */
export function parse(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) {
      throw error;
    }
    throw new SubmissionError(`is not valid JSON: ${detail(error.message, text)}`);
  }
}

/**
 * The engine's message, with where as "line L column C": SpiderMonkey (the sandbox's engine)
 * says "JSON.parse: … at line 3 column 5 of the JSON data", V8 (Node) "… in JSON at position
 * 13" or "… (line 3 column 5)".
 */
function detail(message, text) {
  let out = message.replace(/^JSON\.parse: /, '').replace(/ of the JSON data$/, '');
  out = out.replace(/ \(line \d+ column \d+\)$/, '');
  const position = / at position (\d+)$/.exec(out);
  if (position) {
    const before = text.slice(0, Number(position[1])).split('\n');
    out = `${out.slice(0, position.index)} at line ${before.length} column ${before.at(-1).length + 1}`;
  }
  return out;
}

/**
 * Serialises `value` as pretty JSON (for materials); `bigint`s are written as integers.
 * @param {unknown} value
 * @returns {string}
 */
export function toPretty(value) {
  const marker = '@@cohack-bigint@@';
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${marker}${v}` : v), 2);
  return text.replaceAll(new RegExp(`"${marker}(-?\\d+)"`, 'g'), '$1');
}
