"""Build ``datasets/servqual_hotel_survey.csv``: a constructed SERVQUAL survey of hotel guests.

The data are invented for teaching (lesson 06, 服务质量差距).  No real SERVQUAL
survey of hotel guests with an open licence was found, so the course makes one
whose structure follows Parasuraman, Zeithaml & Berry (1988, 1991):

* 240 guests of one city hotel, in four segments: business travellers,
  leisure couples, families and tour-group members;
* for each of the 22 items, an expectation answer ``E1`` … ``E22`` and a
  perception answer ``P1`` … ``P22`` on the 1–7 scale;
* 100 importance points shared among the five dimensions (``weight_*``);
* an overall quality rating from 1 to 7 and a few guest attributes.

How the answers are made.  Each segment has a mean expectation per dimension
and a mean gap (perception − expectation) per dimension, chosen so that each
segment's weakest dimension differs (business: responsiveness; leisure:
empathy; family: reliability; tour group: tangibles) while reliability is the
weakest dimension over all guests.  A guest's answer is the segment mean plus
a guest effect (some guests answer higher throughout) plus item noise, rounded
to a whole number and kept within 1–7.  Rounding and the ends of the scale
move the realised means a little away from the design values.  The overall
rating rises with the importance-weighted gap, plus noise.

Run from the repository root:

    python datasets/build/servqual_hotel_survey.py

The seed is fixed, so the file is the same on every run.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240606
OUT = Path(__file__).resolve().parent.parent / "servqual_hotel_survey.csv"

DIMENSIONS = {"tangibles": range(1, 5), "reliability": range(5, 10), "responsiveness": range(10, 14),
              "assurance": range(14, 18), "empathy": range(18, 23)}

#: segment -> number of guests
SEGMENT_SIZES = {"business": 80, "leisure": 70, "family": 50, "tour_group": 40}

#: segment -> mean expectation per dimension (RATER order)
EXPECTATION = {
    "business":   (5.6, 6.4, 6.5, 6.0, 5.6),
    "leisure":    (6.0, 6.1, 5.8, 5.8, 6.2),
    "family":     (5.8, 6.3, 5.9, 5.9, 6.0),
    "tour_group": (5.4, 5.9, 5.6, 5.6, 5.5),
}

#: segment -> designed mean gap P − E per dimension (RATER order)
GAP = {
    "business":   (-0.3, -1.1, -1.5, -0.4, -0.6),
    "leisure":    (-0.4, -1.0, -0.6, -0.3, -1.5),
    "family":     (-0.5, -1.5, -0.8, -0.4, -0.7),
    "tour_group": (-1.4, -0.8, -0.6, -0.2, -0.8),
}

#: segment -> mean share of the 100 importance points per dimension (RATER order)
IMPORTANCE = {
    "business":   (0.10, 0.30, 0.30, 0.15, 0.15),
    "leisure":    (0.15, 0.25, 0.15, 0.15, 0.30),
    "family":     (0.15, 0.35, 0.15, 0.15, 0.20),
    "tour_group": (0.25, 0.25, 0.20, 0.15, 0.15),
}

#: segment -> (age-group probabilities for 18-34, 35-54, 55+; mean nights; share loyalty members; channel)
PROFILE = {
    "business":   ((0.35, 0.55, 0.10), 2.0, 0.55, "corporate"),
    "leisure":    ((0.45, 0.35, 0.20), 3.0, 0.25, "online_travel_agent"),
    "family":     ((0.25, 0.65, 0.10), 4.0, 0.20, "online_travel_agent"),
    "tour_group": ((0.15, 0.35, 0.50), 2.5, 0.05, "tour_operator"),
}

ITEM_NOISE, GUEST_NOISE = 0.7, 0.4


def _scale(values):
    """Round to whole scale points and keep within 1–7."""
    return np.clip(np.rint(values), 1, 7).astype(int)


def _points(rng, shares):
    """100 importance points in steps of 5, drawn around ``shares``."""
    raw = rng.dirichlet(np.array(shares) * 40) * 20
    points = np.floor(raw).astype(int)
    while points.sum() < 20:  # hand out the remaining steps to the largest remainders
        points[np.argmax(raw - points)] += 1
    return points * 5


def build(seed=SEED):
    rng = np.random.default_rng(seed)
    rows = []
    number = 0
    for segment, size in SEGMENT_SIZES.items():
        ages, nights, loyal, channel = PROFILE[segment]
        for _ in range(size):
            number += 1
            row = {"guest_id": f"G{number:03d}", "segment": segment,
                   "age_group": rng.choice(["18-34", "35-54", "55+"], p=ages),
                   "nights": int(1 + rng.poisson(nights - 1)),
                   "loyalty_member": int(rng.random() < loyal)}
            main = channel if rng.random() < 0.7 else "direct"
            row["booking_channel"] = main
            row["previous_stays"] = int(rng.poisson(3.0 if row["loyalty_member"] else 0.6))
            expect_shift, percept_shift = rng.normal(0, GUEST_NOISE, size=2)
            gaps = {}
            for k, (dimension, items) in enumerate(DIMENSIONS.items()):
                e_mean = EXPECTATION[segment][k] + expect_shift
                p_mean = e_mean + GAP[segment][k] + percept_shift
                e = _scale(e_mean + rng.normal(0, ITEM_NOISE, len(items)))
                p = _scale(p_mean + rng.normal(0, ITEM_NOISE, len(items)))
                for i, ei, pi in zip(items, e, p):
                    row[f"E{i}"], row[f"P{i}"] = int(ei), int(pi)
                gaps[dimension] = float(np.mean(p - e))
            points = _points(rng, IMPORTANCE[segment])
            for dimension, w in zip(DIMENSIONS, points):
                row[f"weight_{dimension}"] = int(w)
            weighted = sum(gaps[d] * w / 100 for d, w in zip(DIMENSIONS, points))
            row["overall_quality"] = int(_scale(5.6 + 0.9 * weighted + rng.normal(0, 0.6)))
            rows.append(row)
    frame = pd.DataFrame(rows)
    answers = [f"{x}{i}" for x in "EP" for i in range(1, 23)]
    front = ["guest_id", "segment", "age_group", "nights", "loyalty_member", "previous_stays",
             "booking_channel"]
    weights = [f"weight_{d}" for d in DIMENSIONS]
    return frame[front + answers + weights + ["overall_quality"]]


if __name__ == "__main__":
    survey = build()
    survey.to_csv(OUT, index=False)
    print(f"wrote {len(survey)} guests to {OUT}")
