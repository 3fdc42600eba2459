// TeamRng gives the Rust SDK's sequence, bit for bit: the vectors below were printed by
// challenge-sdk's `TeamRng` (src/variant.rs) for these teams and salts, in this order of calls
// (3 × next_u64, 5 × below(1000), below(u64::MAX - 7), 5 × range(-50, 50),
// range(i64::MIN, i64::MAX), 3 × unit, float(2, 4), 4 × chance(0.3), pick of a..e, shuffle of
// 0..10, next_u64). The Rust SDK's own test pins the first: TeamRng::new("", "").next_u64() ==
// 0x01df27c8adb0f2d1.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TeamRng } from '../src/index.js';

const VECTORS = [
  { team: '', salt: '', next: ['0x01df27c8adb0f2d1', '0x96cf985fe1ff7ef9', '0x4373be646dbc9628'], below1000: [452, 253, 205, 221, 32], belowBig: '4338067605887105656', range: [10, -17, -11, 25, 5], fullRange: '75856373811185427', unit: [0.94764472515376, 0.1299396294927322, 0.612764814855775], float: 2.928040417534243, chance: [false, false, false, false], pick: 'e', shuffle: [3, 7, 6, 2, 0, 5, 9, 1, 4, 8], after: '0x7d28b4ec8558f0a8' },
  { team: 'sample-team', salt: 'frozen', next: ['0x7f0b8cebfdef1b37', '0x79f8d0bfd98cc312', '0x79a0b4a82f3639c1'], below1000: [264, 783, 232, 643, 845], belowBig: '14951250152778647408', range: [24, -29, -15, -28, 6], fullRange: '-4892979393733514123', unit: [0.14122508410521695, 0.3762940313949892, 0.6619083241965081], float: 3.0016967757333255, chance: [true, true, false, true], pick: 'b', shuffle: [8, 7, 9, 1, 5, 3, 2, 4, 6, 0], after: '0x862ca4147ebad16e' },
  { team: 'team-blue', salt: 'fleet-report/v1', next: ['0x01b0eca8553e853a', '0xd63b4cfcb1fbda79', '0x168d642f648bd90a'], below1000: [132, 399, 163, 490, 279], belowBig: '15243095211775215185', range: [7, 13, -37, -7, -14], fullRange: '-1242470515967309875', unit: [0.6027393982767154, 0.8737514164510982, 0.09914478397819915], float: 2.799260733397487, chance: [false, false, false, true], pick: 'a', shuffle: [8, 1, 7, 0, 3, 9, 4, 5, 2, 6], after: '0xa504c8f4822db232' },
  { team: 'équipe-ü', salt: 'route-planner/v1', next: ['0x3a4710b2bfd8a40d', '0x250e5b2816a499d8', '0x3c4e747422e80e4c'], below1000: [461, 518, 401, 844, 750], belowBig: '1256562030077352332', range: [-48, 16, 45, -1, 45], fullRange: '5177668049253171817', unit: [0.09093340483733969, 0.13619249112016063, 0.4733637193382507], float: 2.1602710419434747, chance: [true, false, false, false], pick: 'a', shuffle: [3, 5, 4, 8, 2, 1, 7, 6, 9, 0], after: '0xbca65e6764855252' },
];

const hex = (n) => `0x${n.toString(16).padStart(16, '0')}`;

for (const v of VECTORS) {
  test(`the Rust sequence for team ${JSON.stringify(v.team)}, salt ${JSON.stringify(v.salt)}`, () => {
    const r = new TeamRng(v.team, v.salt);
    assert.deepEqual([r.nextU64(), r.nextU64(), r.nextU64()].map(hex), v.next);
    assert.deepEqual(Array.from({ length: 5 }, () => r.below(1000)), v.below1000);
    assert.equal(r.below((1n << 64n) - 1n - 7n), BigInt(v.belowBig));
    assert.deepEqual(Array.from({ length: 5 }, () => r.range(-50, 50)), v.range);
    assert.equal(r.range(-(1n << 63n), (1n << 63n) - 1n), BigInt(v.fullRange));
    assert.deepEqual([r.unit(), r.unit(), r.unit()], v.unit);
    assert.equal(r.float(2, 4), v.float);
    assert.deepEqual(Array.from({ length: 4 }, () => r.chance(0.3)), v.chance);
    assert.equal(r.pick(['a', 'b', 'c', 'd', 'e']), v.pick);
    assert.deepEqual(r.shuffle(Array.from({ length: 10 }, (_, i) => i)), v.shuffle);
    assert.equal(hex(r.nextU64()), v.after);
  });
}

test('helpers stay in range and edge cases draw nothing', () => {
  const r = new TeamRng('t', 's');
  for (let i = 0; i < 1000; i += 1) {
    assert.ok(r.below(7) < 7);
    const x = r.range(-3, 3);
    assert.ok(x >= -3 && x <= 3);
    const f = r.float(2, 4);
    assert.ok(f >= 2 && f < 4);
  }
  const a = new TeamRng('t', 's');
  const b = new TeamRng('t', 's');
  assert.equal(a.below(0), 0);
  assert.equal(a.range(5, 5), 5);
  assert.equal(a.range(5, 1), 5);
  assert.equal(a.pick([]), undefined);
  assert.equal(a.nextU64(), b.nextU64(), 'below(0), empty ranges and pick([]) draw nothing');
  assert.throws(() => a.below(1.5), RangeError);
  assert.throws(() => a.below(-1), RangeError);
});
