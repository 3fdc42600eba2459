"""Deterministic per-team variants, for challenges whose materials differ per team.

`materials(team)` and `validate(submission)` must derive the *same* variant: seed a
`TeamRng` from the team id (in `validate`, `submission.team`) and a salt fixed in the
validator's code (the challenge's name, say). Only the team id is available in `materials`,
so do not use `submission.challenge` as the salt.

The generator is exactly the Rust SDK's `TeamRng` (FNV-1a, 64-bit, over the salt, a 0xff
byte and the team id, then SplitMix64), so a challenge ported from Rust hands out the same
materials. Both are fixed forever: changing them would change the materials of events
already running. It is not cryptographic.
"""

from typing import MutableSequence, Optional, Sequence, TypeVar

T = TypeVar("T")

_MASK = (1 << 64) - 1

__all__ = ["TeamRng"]


class TeamRng:
    """A seeded pseudo-random generator: the same team and salt always yield the same
    sequence."""

    def __init__(self, team: str, salt: str):
        state = 0xCBF2_9CE4_8422_2325
        for byte in salt.encode("utf-8") + b"\xff" + team.encode("utf-8"):
            state ^= byte
            state = (state * 0x0000_0100_0000_01B3) & _MASK
        self._state = state

    def next_u64(self) -> int:
        """The next 64 random bits, as an int in `0 .. 2**64`."""
        self._state = (self._state + 0x9E37_79B9_7F4A_7C15) & _MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB) & _MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        """A number in `0 .. n` (0 when `n` is 0), without modulo bias; `n` < 2**64."""
        if n <= 0:
            return 0
        # Multiply-shift (Lemire) with rejection of the biased low zone, as in Rust.
        threshold = ((-n) & _MASK) % n
        while True:
            product = self.next_u64() * n
            if product & _MASK >= threshold:
                return product >> 64

    def range(self, low: int, high: int) -> int:
        """An integer in `low ..= high` (`low` when the range is empty)."""
        if high <= low:
            return low
        count = high - low + 1
        if count <= _MASK:
            return low + self.below(count)
        # The whole 64-bit range: any value, as a signed integer.
        value = self.next_u64()
        return value - (1 << 64) if value >= 1 << 63 else value

    def unit(self) -> float:
        """A float in `0.0 .. 1.0` with 53 random bits."""
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def float(self, low: float, high: float) -> float:
        """A float in `low .. high`."""
        return low + (high - low) * self.unit()

    def chance(self, p: float) -> bool:
        """`True` with probability `p`."""
        return self.unit() < p

    def pick(self, items: Sequence[T]) -> Optional[T]:
        """A random element of `items` (`None` when empty)."""
        if not items:
            return None
        return items[self.below(len(items))]

    def shuffle(self, items: MutableSequence[T]) -> None:
        """Shuffles `items` in place (Fisher–Yates, as in Rust)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
