// Logging to the run's log, which authors and organizers read (teams never see it).
//
// The host keeps a bounded amount per run (64 KiB, 1,000 lines by default), so log what helps
// diagnose a verdict, not every row. `console.log` also reaches the log (at info level, and
// `console.error` at warn), but these say the level.

import { hostLog } from './host.js';

/** The levels, as the contract names them. */
export const LEVELS = Object.freeze(['debug', 'info', 'warn', 'error']);

/**
 * Logs `message` at `level`.
 * @param {'debug' | 'info' | 'warn' | 'error'} level
 * @param {unknown} message
 */
export function log(level, message) {
  if (!LEVELS.includes(level)) {
    throw new TypeError(`log level must be one of ${LEVELS.join(', ')}, got ${level}`);
  }
  hostLog(level, String(message));
}

/** @param {unknown} message */
export const debug = (message) => log('debug', message);
/** @param {unknown} message */
export const info = (message) => log('info', message);
/** @param {unknown} message */
export const warn = (message) => log('warn', message);
/** @param {unknown} message */
export const error = (message) => log('error', message);
