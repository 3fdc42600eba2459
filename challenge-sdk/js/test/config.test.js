// Settings and the log, through the stand-ins (the Rust SDK's config.rs tests, ported).

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { ValidatorError, config, log, testing } from '../src/index.js';

beforeEach(() => testing.reset());

test('get and defaults', () => {
  testing.setConfig('mode', 'strict');
  assert.equal(config.get('mode'), 'strict');
  assert.equal(config.get('other'), undefined);
  assert.equal(config.getOr('other', 'lenient'), 'lenient');
  testing.clearConfig();
  assert.equal(config.get('mode'), undefined);
});

test('typed reads', () => {
  testing.setConfig('n', ' 12 ');
  testing.setConfig('x', '2.5');
  testing.setConfig('flag', 'true');
  testing.setConfig('bad', 'twelve');
  assert.equal(config.parse('n', 'integer'), 12);
  assert.equal(config.parse('x', 'number'), 2.5);
  assert.equal(config.parse('unset', 'integer'), undefined);
  assert.equal(config.parseOr('unset', 3), 3);
  assert.equal(config.parseOr('n', 3), 12);
  assert.equal(config.parseOr('flag', false), true);
  assert.equal(config.parseOr('x', 0.5), 2.5);
  assert.equal(config.require('n', 'integer'), 12);
  assert.equal(config.require('bad'), 'twelve');
});

test('malformed values stop the run and are logged', () => {
  testing.setConfig('bad', 'x');
  assert.throws(() => config.parseOr('bad', 1), {
    name: 'ValidatorError', message: 'config `bad` = `x` is not a valid integer',
  });
  assert.deepEqual(testing.takeLogs(), [['error', 'config `bad` = `x` is not a valid integer']]);
  assert.throws(() => config.parseOr('bad', false), /not a valid boolean \(`true` or `false`\)/);
  assert.throws(() => config.parseOr('x', 2.5) && config.parse('bad', 'number'), ValidatorError);
  assert.throws(() => config.require('missing', 'integer'), { message: 'config `missing` is required but not set' });
  assert.throws(() => config.parse('bad', 'date'), TypeError);
});

test('log levels reach the host', () => {
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  log.log('info', 42);
  assert.deepEqual(testing.takeLogs(), [['debug', 'd'], ['info', 'i'], ['warn', 'w'], ['error', 'e'], ['info', '42']]);
  assert.throws(() => log.log('trace', 'x'), TypeError);
});
