"""The raw export every team cleans: generated from a fixed seed, so it never changes, and
byte for byte the Rust validator's (the same TeamRng draws in the same order)."""

from cohack_sdk import TeamRng

import timefmt

# 2024-05-14T08:00:00Z.
START = 1_715_673_600


def raw_csv() -> str:
    """The raw CSV (`device,time,temp,unit`), as the gateway exported it."""
    # Same for every team: the seed does not depend on the team.
    rng = TeamRng("lyon-export", "clean-readings/v1")
    rows = []
    for device in range(1, 7):
        fahrenheit_device = device in (4, 5)
        base = rng.float(18.0, 24.0)
        for step in range(12):
            seconds = START + step * 900
            id_ = f"TH-{device:02}"
            spelling = rng.below(10)
            if spelling == 0:
                spelled_id = f" {id_}"
            elif spelling == 1:
                spelled_id = id_.lower()
            elif spelling == 2:
                spelled_id = f"{id_[:1]}{id_[1:].lower()} "
            else:
                spelled_id = id_
            spelling = rng.below(10)
            if spelling <= 4:
                spelled_time = timefmt.iso(seconds)
            elif spelling <= 7:
                spelled_time = timefmt.iso(seconds).replace("T", " ").replace("Z", "")
            else:
                spelled_time = str(seconds)
            celsius = base + rng.float(-1.5, 1.5)
            fahrenheit = fahrenheit_device or (device == 2 and step % 5 == 3)
            if fahrenheit:
                value, unit = celsius * 9.0 / 5.0 + 32.0, "F"
            else:
                value, unit = celsius, "C"
            missing = rng.below(25)
            temp = "" if missing == 0 else "n/a" if missing == 1 else f"{value:.1f}"
            row = f"{spelled_id},{spelled_time},{temp},{unit}"
            # The gateway re-sends some readings, sometimes spelled differently.
            if rng.chance(0.08):
                resent_time = str(seconds) if "T" in spelled_time else timefmt.iso(seconds)
                rows.append((seconds + 300, f"{spelled_id},{resent_time},{temp},{unit}"))
            rows.append((seconds + rng.range(0, 120), row))
    # Rows arrive in gateway order: by arrival time, devices interleaved (a stable sort).
    rows.sort(key=lambda arrival_row: arrival_row[0])
    return "device,time,temp,unit\n" + "".join(row + "\n" for _, row in rows)
