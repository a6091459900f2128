"""Writes year-load.csv: a year of per-minute request rates, the shape of the engine bench's
year (300 rps, a diurnal swing of 40% peaking at 14:00, a lunch window x2.5 from 11:00 to
13:00 with 15-minute ramps, log-normal noise of sigma 0.1), drawn with Python's own seeded
generator. Both scaleplan (benches/peers/year-trace.toml) and the SimPy model read this file,
so they replay the same numbers."""

import math
import random
import sys

MINUTES = 365 * 1440


def main(path):
    rng = random.Random(1)
    with open(path, "w") as out:
        out.write("offset_seconds,rps\n")
        for minute in range(MINUTES):
            midpoint = minute * 60 + 30
            day_second = midpoint % 86_400
            factor = 1 + 0.4 * math.cos(2 * math.pi * (day_second - 14 * 3600) / 86_400)
            into = day_second - 11 * 3600
            if 0 <= into < 7200:
                strength = min(into / 900, (7200 - into) / 900, 1.0)
                factor *= 1 + 1.5 * strength
            noise = math.exp(rng.gauss(-0.005, 0.1))
            out.write(f"{minute * 60},{300 * factor * noise:.6f}\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "year-load.csv")
