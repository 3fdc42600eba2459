// Deterministic per-team variants, for challenges whose materials differ per team.
//
// `materials(team)` and `validate(submission)` must derive the *same* variant: seed a
// `TeamRng` from the team id (in `validate`, `submission.team`) and a salt fixed in the
// validator's code (the challenge's name, say). Only the team id is available in
// `materials`, so do not use `submission.challenge` as the salt.
//
// The generator is the Rust SDK's, bit for bit: FNV-1a (64-bit) over the salt's UTF-8 bytes,
// a 0xff byte and the team id's, then SplitMix64; `below` is Lemire's multiply-shift with
// rejection. A JavaScript and a Rust validator give a team the same materials. Both are fixed
// forever: changing them would change the materials of events already running. It is not
// cryptographic; it only needs to give teams different, reproducible data.

const MASK64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const GOLDEN = 0x9e3779b97f4a7c15n;
const MIX1 = 0xbf58476d1ce4e5b9n;
const MIX2 = 0x94d049bb133111ebn;
const TWO_POW_53 = 2 ** 53;

const encoder = new TextEncoder();

/** A seeded pseudo-random generator: the same team and salt always yield the same sequence. */
export class TeamRng {
  #state;

  /**
   * The generator for `team` in the challenge identified by `salt`.
   * @param {string} team
   * @param {string} salt
   */
  constructor(team, salt) {
    let hash = FNV_OFFSET;
    const mix = (byte) => {
      hash ^= BigInt(byte);
      hash = (hash * FNV_PRIME) & MASK64;
    };
    encoder.encode(String(salt)).forEach(mix);
    mix(0xff);
    encoder.encode(String(team)).forEach(mix);
    this.#state = hash;
  }

  /** @returns {bigint} the next 64 random bits */
  nextU64() {
    this.#state = (this.#state + GOLDEN) & MASK64;
    let z = this.#state;
    z = ((z ^ (z >> 30n)) * MIX1) & MASK64;
    z = ((z ^ (z >> 27n)) * MIX2) & MASK64;
    return z ^ (z >> 31n);
  }

  /**
   * A number in `0..n` (0 when `n` is 0), without modulo bias. A `bigint` `n` (up to 2^64)
   * gives a `bigint`; a number `n` (a safe integer) a number.
   * @template {number | bigint} N
   * @param {N} n
   * @returns {N}
   */
  below(n) {
    const big = typeof n === 'bigint';
    const span = big ? n : toU64(n, 'below');
    return /** @type {N} */ (big ? this.#below(span) : Number(this.#below(span)));
  }

  #below(n) {
    if (n <= 0n) {
      return 0n;
    }
    // Multiply-shift (Lemire) with rejection of the biased low zone.
    const threshold = ((1n << 64n) - n) % n;
    for (;;) {
      const product = this.nextU64() * n;
      if ((product & MASK64) >= threshold) {
        return product >> 64n;
      }
    }
  }

  /**
   * An integer in `low..=high` (`low` when the range is empty). Numbers in, a number out
   * (safe integers); `bigint`s in (any i64), a `bigint` out.
   * @template {number | bigint} N
   * @param {N} low
   * @param {N} high
   * @returns {N}
   */
  range(low, high) {
    const big = typeof low === 'bigint' || typeof high === 'bigint';
    const lo = big ? BigInt(low) : toI64(low, 'range');
    const hi = big ? BigInt(high) : toI64(high, 'range');
    if (hi <= lo) {
      return /** @type {N} */ (big ? lo : Number(lo));
    }
    const count = hi - lo + 1n;
    let value;
    if (count > MASK64) {
      // The whole i64 range: the raw bits, as a signed integer.
      value = BigInt.asIntN(64, this.nextU64());
    } else {
      value = lo + this.#below(count);
    }
    return /** @type {N} */ (big ? value : Number(value));
  }

  /** @returns {number} a float in `0..1` with 53 random bits */
  unit() {
    return Number(this.nextU64() >> 11n) / TWO_POW_53;
  }

  /**
   * @param {number} low
   * @param {number} high
   * @returns {number} a float in `low..high`
   */
  float(low, high) {
    return low + (high - low) * this.unit();
  }

  /**
   * @param {number} p
   * @returns {boolean} `true` with probability `p`
   */
  chance(p) {
    return this.unit() < p;
  }

  /**
   * @template T
   * @param {readonly T[]} items
   * @returns {T | undefined} a random element of `items` (`undefined` when empty)
   */
  pick(items) {
    if (items.length === 0) {
      // As in the Rust SDK, nothing is drawn (`below(0)` is 0 without a draw).
      return undefined;
    }
    return items[Number(this.#below(BigInt(items.length)))];
  }

  /**
   * Shuffles `items` in place (Fisher–Yates) and returns it.
   * @template T
   * @param {T[]} items
   * @returns {T[]}
   */
  shuffle(items) {
    for (let i = items.length - 1; i >= 1; i -= 1) {
      const j = Number(this.#below(BigInt(i + 1)));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

function toU64(n, what) {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`TeamRng.${what}: expected a non-negative safe integer or a bigint, got ${n}`);
  }
  return BigInt(n);
}

function toI64(n, what) {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`TeamRng.${what}: expected safe integers or bigints, got ${n}`);
  }
  return BigInt(n);
}
