"""Build ``datasets/insurer_agents.csv``: a constructed table of 36 property-insurance agents.

The table is invented for teaching (case 09, the property insurer's shift to
relationship marketing, 产险公司的关系营销转型).  Three work styles of 12
agents each are simulated for one year:

* ``hunter``: many new policies, little contact with existing clients;
* ``balanced``: in between;
* ``keeper``: fewer new policies, frequent follow-up with clients who claim.

An agent's retention (续保率) rises with the share of claims he or she follows
up personally: p = 0.40 + 0.55 × follow-up rate + normal noise (sd 0.08).  Premiums per policy
are drawn around ¥3,000.  Run from the repository root:

    python datasets/build/insurer_agents.py

The seed is fixed, so the file is the same on every run.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240611
OUT = Path(__file__).resolve().parent.parent / "insurer_agents.csv"

#: work style -> (mean new policies, mean policies due for renewal, Beta(a, b) of claims follow-up)
STYLES = {
    "hunter": (180, 220, (2, 5)),
    "balanced": (110, 240, (5, 4)),
    "keeper": (60, 260, (9, 2)),
}
AGENTS_PER_STYLE = 12


def build(seed=SEED):
    rng = np.random.default_rng(seed)
    rows = []
    for style, (mean_new, mean_due, (a, b)) in STYLES.items():
        for _ in range(AGENTS_PER_STYLE):
            new_policies = int(rng.poisson(mean_new))
            policies_due = int(rng.poisson(mean_due))
            claims_reported = int(rng.binomial(policies_due, 0.10))
            followup = rng.beta(a, b)
            claims_followed_up = int(rng.binomial(claims_reported, followup))
            followup_rate = claims_followed_up / claims_reported
            p_renew = float(np.clip(0.40 + 0.55 * followup_rate + rng.normal(0, 0.08), 0.30, 0.97))
            renewals = int(rng.binomial(policies_due, p_renew))
            premium_per_policy = float(rng.normal(3000, 300))
            rows.append({
                "work_style": style,
                "new_policies": new_policies,
                "new_premium": int(round(new_policies * premium_per_policy, -1)),
                "policies_due": policies_due,
                "renewals": renewals,
                "renewal_premium": int(round(renewals * premium_per_policy * 1.05, -1)),
                "retention_rate": round(renewals / policies_due, 3),
                "claims_reported": claims_reported,
                "claims_followed_up": claims_followed_up,
                "claims_followup_rate": round(followup_rate, 3),
            })
    table = pd.DataFrame(rows)
    # shuffle so that the work styles are not in blocks, then number the agents
    table = table.sample(frac=1, random_state=seed % 2**32).reset_index(drop=True)
    table.insert(0, "agent_id", [f"A{i:02d}" for i in range(1, len(table) + 1)])
    return table


if __name__ == "__main__":
    build().to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {OUT}")
