//! Deterministic per-team variants, for challenges whose materials differ per team.
//!
//! `materials(team)` and `validate(submission)` must derive the *same* variant: seed a
//! [`TeamRng`] from the team id (in `validate`, `submission.team`) and a salt fixed in the
//! validator's code (the challenge's name, say). Only the team id is available in
//! `materials`, so do not use `submission.challenge` as the salt.
//!
//! The generator is FNV-1a (64-bit) over the salt and the team id, then SplitMix64. Both are
//! fixed forever: changing them would change the materials of events already running. It is
//! not cryptographic; it only needs to give teams different, reproducible data.

/// A seeded pseudo-random generator: the same team and salt always yield the same sequence.
#[derive(Debug, Clone)]
pub struct TeamRng {
    state: u64,
}

impl TeamRng {
    /// The generator for `team` in the challenge identified by `salt`.
    pub fn new(team: &str, salt: &str) -> Self {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in salt.bytes().chain([0xff]).chain(team.bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Self { state: hash }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Multiply-shift (Lemire) with rejection of the biased low zone.
        loop {
            let product = u128::from(self.next_u64()) * u128::from(n);
            let low = product as u64;
            if low >= n.wrapping_neg() % n {
                return (product >> 64) as u64;
            }
        }
    }

    /// An integer in `low..=high` (`low` when the range is empty).
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = high.abs_diff(low);
        match span.checked_add(1) {
            Some(count) => low.wrapping_add_unsigned(self.below(count)),
            None => self.next_u64().cast_signed(),
        }
    }

    /// A float in `0.0..1.0` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A float in `low..high`.
    pub fn float(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random element of `items` (`None` when empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let len = items.len() as u64;
        items.get(usize::try_from(self.below(len)).ok()?)
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_team_same_sequence_other_team_other_sequence() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = TeamRng::new("team-a", "c1");
                move |_| r.next_u64()
            })
            .collect();
        let again: Vec<u64> = (0..4)
            .map({
                let mut r = TeamRng::new("team-a", "c1");
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = TeamRng::new("team-b", "c1");
                move |_| r.next_u64()
            })
            .collect();
        let salt: Vec<u64> = (0..4)
            .map({
                let mut r = TeamRng::new("team-a", "c2");
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, again);
        assert_ne!(a, b);
        assert_ne!(a, salt);
    }

    #[test]
    fn sequence_is_frozen() {
        // Materials of running events depend on this exact sequence: never change it.
        let mut rng = TeamRng::new("sample-team", "frozen");
        let first = rng.next_u64();
        let mut again = TeamRng::new("sample-team", "frozen");
        assert_eq!(first, again.next_u64());
        assert_eq!(
            TeamRng::new("", "").next_u64(),
            0x01df_27c8_adb0_f2d1,
            "the seed or mixer changed"
        );
    }

    /// The vectors the Python (`challenge-sdk/python/tests/test_variant.py`) and JavaScript
    /// SDKs assert too: a challenge's team data must not depend on its author's language.
    #[test]
    fn every_helper_gives_the_vectors_the_other_languages_assert() {
        let mut rng = TeamRng::new("sample-team", "frozen");
        let firsts: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            firsts,
            [
                0x7F0B_8CEB_FDEF_1B37,
                0x79F8_D0BF_D98C_C312,
                0x79A0_B4A8_2F36_39C1
            ]
        );
        assert_eq!(
            TeamRng::new("équipe-ü", "sälz").next_u64(),
            0xC185_0920_F8ED_65D0
        );
        let mut rng = TeamRng::new("team-blue", "fleet-report/v1");
        let below: Vec<u64> = (0..8).map(|_| rng.below(10)).collect();
        assert_eq!(below, [0, 8, 0, 1, 3, 1, 4, 2]);
        let big: Vec<u64> = (0..3).map(|_| rng.below(u64::MAX - 2)).collect();
        assert_eq!(
            big,
            [
                15_243_095_211_775_215_189,
                10_481_806_164_978_646_507,
                11_559_908_476_374_060_820
            ]
        );
        let ranged: Vec<i64> = (0..6).map(|_| rng.range(-5, 5)).collect();
        assert_eq!(ranged, [-4, -1, -1, 5, 1, 4]);
        assert_eq!(rng.range(i64::MIN, i64::MAX), 1_828_898_456_289_059_404);
        let units: Vec<f64> = (0..3).map(|_| rng.unit()).collect();
        assert_eq!(
            units,
            [
                0.399_630_366_698_743_63,
                0.571_612_703_874_321_4,
                0.405_237_342_355_592_94
            ]
        );
        let floats: Vec<f64> = (0..3).map(|_| rng.float(18.0, 24.0)).collect();
        assert_eq!(
            floats,
            [
                22.565_936_872_396_936,
                19.588_091_846_400_253,
                18.256_438_439_465_09
            ]
        );
        let chances: Vec<bool> = (0..6).map(|_| rng.chance(0.3)).collect();
        assert_eq!(chances, [false, true, false, false, false, false]);
        assert_eq!(rng.pick(&["a", "b", "c", "d", "e"]), Some(&"a"));
        let mut items: Vec<u32> = (0..10).collect();
        rng.shuffle(&mut items);
        assert_eq!(items, [0, 3, 7, 2, 9, 8, 4, 5, 6, 1]);
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut rng = TeamRng::new("t", "s");
        for _ in 0..1000 {
            assert!(rng.below(7) < 7);
            let r = rng.range(-3, 3);
            assert!((-3..=3).contains(&r));
            let f = rng.float(2.0, 4.0);
            assert!((2.0..4.0).contains(&f));
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.range(5, 5), 5);
        assert_eq!(rng.range(5, 1), 5);
        assert!(rng.pick::<u8>(&[]).is_none());
        let mut items: Vec<u32> = (0..20).collect();
        rng.shuffle(&mut items);
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(items, sorted);
    }
}
