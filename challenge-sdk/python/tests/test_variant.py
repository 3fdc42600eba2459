"""TeamRng gives exactly the Rust SDK's sequence: these vectors were printed by
challenge_sdk::variant::TeamRng (the first one is also its own frozen test)."""

import unittest

from cohack_sdk import TeamRng


class TeamRngMatchesRust(unittest.TestCase):
    def test_the_seed_and_mixer_are_frozen(self):
        self.assertEqual(TeamRng("", "").next_u64(), 0x01DF_27C8_ADB0_F2D1)
        rng = TeamRng("sample-team", "frozen")
        self.assertEqual(
            [rng.next_u64() for _ in range(3)],
            [0x7F0B8CEBFDEF1B37, 0x79F8D0BFD98CC312, 0x79A0B4A82F3639C1],
        )
        self.assertEqual(TeamRng("équipe-ü", "sälz").next_u64(), 0xC1850920F8ED65D0)

    def test_every_helper_follows_rust(self):
        rng = TeamRng("team-blue", "fleet-report/v1")
        self.assertEqual([rng.below(10) for _ in range(8)], [0, 8, 0, 1, 3, 1, 4, 2])
        self.assertEqual(
            [rng.below(2**64 - 3) for _ in range(3)],
            [15243095211775215189, 10481806164978646507, 11559908476374060820],
        )
        self.assertEqual([rng.range(-5, 5) for _ in range(6)], [-4, -1, -1, 5, 1, 4])
        self.assertEqual(rng.range(-(2**63), 2**63 - 1), 1828898456289059404)
        self.assertEqual(
            [rng.unit() for _ in range(3)],
            [0.39963036669874363, 0.5716127038743214, 0.40523734235559294],
        )
        self.assertEqual(
            [rng.float(18.0, 24.0) for _ in range(3)],
            [22.565936872396936, 19.588091846400253, 18.25643843946509],
        )
        self.assertEqual(
            [rng.chance(0.3) for _ in range(6)], [False, True, False, False, False, False]
        )
        self.assertEqual(rng.pick(["a", "b", "c", "d", "e"]), "a")
        items = list(range(10))
        rng.shuffle(items)
        self.assertEqual(items, [0, 3, 7, 2, 9, 8, 4, 5, 6, 1])

    def test_same_team_same_sequence_other_team_other_sequence(self):
        def first(team, salt):
            rng = TeamRng(team, salt)
            return [rng.next_u64() for _ in range(4)]

        self.assertEqual(first("team-a", "c1"), first("team-a", "c1"))
        self.assertNotEqual(first("team-a", "c1"), first("team-b", "c1"))
        self.assertNotEqual(first("team-a", "c1"), first("team-a", "c2"))

    def test_helpers_stay_in_range(self):
        rng = TeamRng("t", "s")
        for _ in range(1000):
            self.assertLess(rng.below(7), 7)
            self.assertIn(rng.range(-3, 3), range(-3, 4))
            self.assertTrue(2.0 <= rng.float(2.0, 4.0) < 4.0)
        self.assertEqual(rng.below(0), 0)
        self.assertEqual(rng.range(5, 5), 5)
        self.assertEqual(rng.range(5, 1), 5)
        self.assertIsNone(rng.pick([]))


if __name__ == "__main__":
    unittest.main()
