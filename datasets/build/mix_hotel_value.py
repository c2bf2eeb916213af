"""Build ``datasets/mix_hotel_value.csv``: a constructed survey of customer delivered value.

The table is invented for teaching (lesson 02, 顾客让渡价值).  Twenty guests of
each of two hotels in the same city put a money value (¥ per night) on the four
parts of total customer value and the four parts of total customer cost
(Kotler's scheme):

* value: product, service, personnel, image;
* cost: monetary (the room rate paid), time, energy, psychic.

The business hotel charges more but gives more value; the budget inn is cheap
but costs its guests more time, effort and worry.  Each figure is drawn from a
normal distribution around the hotel's mean, rounded to whole yuan and kept
at or above a small floor.  Run from the repository root:

    python datasets/build/mix_hotel_value.py

The seed is fixed, so the file is the same on every run.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240902
OUT = Path(__file__).resolve().parent.parent / "mix_hotel_value.csv"
GUESTS_PER_HOTEL = 20

#: column -> (mean, standard deviation, floor) in ¥ per night, for each hotel
HOTELS = {
    "Riverside business hotel": {
        "value_product": (700, 70, 300), "value_service": (250, 50, 0),
        "value_personnel": (180, 40, 0), "value_image": (150, 40, 0),
        "cost_monetary": (680, 25, 600), "cost_time": (60, 20, 0),
        "cost_energy": (40, 15, 0), "cost_psychic": (30, 15, 0),
    },
    "Station budget inn": {
        "value_product": (330, 50, 150), "value_service": (80, 25, 0),
        "value_personnel": (60, 20, 0), "value_image": (30, 15, 0),
        "cost_monetary": (260, 10, 220), "cost_time": (50, 20, 0),
        "cost_energy": (60, 20, 0), "cost_psychic": (70, 30, 0),
    },
}


def build(seed=SEED):
    """The survey table: one row per guest."""
    rng = np.random.default_rng(seed)
    rows = []
    guest = 0
    for hotel, columns in HOTELS.items():
        for _ in range(GUESTS_PER_HOTEL):
            guest += 1
            row = {"guest": f"G{guest:02d}", "hotel": hotel}
            for column, (mean, sd, floor) in columns.items():
                row[column] = int(max(floor, round(rng.normal(mean, sd))))
            rows.append(row)
    return pd.DataFrame(rows)


if __name__ == "__main__":
    build().to_csv(OUT, index=False)
    print(f"wrote {OUT}")
