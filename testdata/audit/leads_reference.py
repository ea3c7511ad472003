"""Independent reference for the audit of a declared persona on Leads.csv.

The persona of the issue: "what_is_your_current_occupation == Working
Professional" and "city == Mumbai". For each condition, among all 9,240
leads: how many match, the conversion inside and outside, their ratio
(lift), the information gain of the split on Converted (mutual information
in bits), Pearson's chi-square without continuity correction and its
p-value (scipy.stats.chi2_contingency), and for the persona (both
conditions): matched and conversion. A missing value (NaN, or the form's
"Select" placeholder) matches neither condition.

Run with Debian's python3-pandas and python3-scipy:

    /usr/bin/python3 leads_reference.py ../../../shared/datasets/leads/Leads.csv > leads_golden.json
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.stats import chi2_contingency

d = pd.read_csv(sys.argv[1])
y = d["Converted"] == 1
conds = {
    "professional": d["What is your current occupation"] == "Working Professional",
    "mumbai": d["City"] == "Mumbai",
}


def info_gain(m, y):
    n = len(y)
    gain = 0.0
    for a in (True, False):
        for b in (True, False):
            cell = ((m == a) & (y == b)).sum()
            if cell:
                gain += cell / n * np.log2(cell * n / ((m == a).sum() * (y == b).sum()))
    return gain


out = {"contacts": len(d), "base_conversion_rate": y.mean(), "conditions": []}
for name, m in conds.items():
    table = pd.crosstab(m, y).values
    chi2, p, _, _ = chi2_contingency(table, correction=False)
    out["conditions"].append({
        "name": name,
        "matched": int(m.sum()),
        "rate_in": y[m].mean(),
        "rate_out": y[~m].mean(),
        "lift": y[m].mean() / y[~m].mean(),
        "information_gain": info_gain(m, y),
        "chi_square": chi2,
        "p_value": p,
    })
both = conds["professional"] & conds["mumbai"]
out["matched"] = int(both.sum())
out["conversion_rate"] = y[both].mean()
out["customer_share"] = (both & y).sum() / y.sum()
json.dump(out, sys.stdout, indent=2, default=float)
print()
