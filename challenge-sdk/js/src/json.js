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
    // SpiderMonkey (the sandbox's engine) says "JSON.parse: … at line 3 column 5 of the JSON
    // data"; the frame is dropped, the position kept.
    const detail = error.message.replace(/^JSON\.parse: /, '').replace(/ of the JSON data$/, '');
    throw new SubmissionError(`is not valid JSON: ${detail}`);
  }
}

/**
 * Serialises `value` as pretty JSON (for materials); `bigint`s are written as integers.
 * @param {unknown} value
 * @returns {string}
 */
export function toPretty(value) {
  const marker = '\u0000bigint:';
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${marker}${v}` : v), 2);
  return text.replace(/"\u0000bigint:(-?\d+)"/g, '$1');
}
