"""Build datasets/levels_category_purchases.csv: constructed coffee purchases for lesson 04.

A made-up neighbourhood where 400 customers buy coffee from three sellers over one quarter
(13 weeks).  Each customer has a "home" seller; a purchase goes to the home seller with a
seller-specific probability (how strongly that seller holds its customers) and otherwise to one of
the other two, drawn in proportion to how easy each is to find (the chain and the kiosk are
everywhere; the roastery is a destination).  The numbers are chosen so that the seller with the
largest market share is not the one with the largest share of its customers' wallets.

Run from the repository root:  python datasets/build/levels_category_purchases.py
The seed is fixed, so the output is the same on every run.
"""
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240404
SELLERS = ["Chain Cafe", "Corner Roastery", "Station Kiosk"]
HOME_SHARE = [0.55, 0.15, 0.30]      # share of customers whose home seller it is
HOLD = [0.45, 0.92, 0.60]            # probability a purchase goes to the home seller
PRICE = [(30, 4), (36, 4), (14, 2)]  # mean and sd of the bill per visit, yuan
CUSTOMERS, WEEKS, VISITS = 400, 13, 8
AVAILABLE = [0.50, 0.01, 0.49]       # where purchases away from home go (the chain is everywhere)


def build(seed=SEED):
    rng = np.random.default_rng(seed)
    rows = []
    for customer in range(1, CUSTOMERS + 1):
        home = rng.choice(3, p=HOME_SHARE)
        for _ in range(1 + rng.poisson(VISITS - 1)):
            if rng.random() < HOLD[home]:
                seller = home
            else:
                others = [s for s in range(3) if s != home]
                weights = np.array([AVAILABLE[s] for s in others])
                seller = rng.choice(others, p=weights / weights.sum())
            mean, sd = PRICE[seller]
            amount = max(8, int(round(rng.normal(mean, sd))))
            rows.append((customer, SELLERS[seller], int(rng.integers(1, WEEKS + 1)), amount))
    frame = pd.DataFrame(rows, columns=["customer_id", "seller", "week", "amount_yuan"])
    return frame.sort_values(["customer_id", "week", "seller"], kind="stable").reset_index(drop=True)


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "levels_category_purchases.csv"
    build().to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out}")
