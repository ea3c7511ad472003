#!/usr/bin/python3
"""Independent reference for subgroup discovery: exhaustive depth-1 and depth-2 search.

Run:  cd subgroup/testdata && /usr/bin/python3 reference.py
Reads fixture.csv, writes golden_depth2.csv. Deliberately plain: loops and boolean masks.
"""
import math
import sys

import numpy as np
import pandas as pd
import scipy
from scipy import stats

ATTRS = ["occupation", "source", "city", "age", "income", "visits"]
NOMINAL = {"occupation", "source", "city"}
BINS = 4
MIN_SIZE = 20


def fmt(x):
    return "%.17g" % x


# Only empty cells are missing (no "NA"/"null" magic); nominal columns stay strings;
# numbers parsed with the correctly-rounded ("round_trip") parser, like Go's ParseFloat.
df = pd.read_csv("fixture.csv", keep_default_na=False, na_values=[""],
                 dtype={a: str for a in NOMINAL} | {"id": str}, float_precision="round_trip")
N = len(df)
bought = df["bought"].to_numpy()
profit = df["profit"].to_numpy(dtype=float)


def selectors(attr):
    """Return a list of (text, boolean mask) for one attribute, per the contract."""
    col = df[attr]
    missing = col.isna().to_numpy()
    out = []
    if attr in NOMINAL:
        for v in sorted(str(x) for x in col[~missing].unique()):
            out.append(("%s = %s" % (attr, v), (col == v).to_numpy() & ~missing))
    else:
        x = col.to_numpy(dtype=float)
        xs = sorted(x[~missing])
        n = len(xs)
        edges = []
        for i in range(1, BINS):
            e = xs[(i * n) // BINS]
            if e not in edges and e != xs[0]:
                edges.append(e)
        # NaN comparisons are False, so missing rows never satisfy these.
        for e in edges:
            out.append(("%s < %s" % (attr, fmt(e)), (x < e) & ~missing))
            out.append(("%s >= %s" % (attr, fmt(e)), (x >= e) & ~missing))
        for j in range(len(edges) - 1):
            lo, hi = edges[j], edges[j + 1]
            out.append(("%s <= %s < %s" % (fmt(lo), attr, fmt(hi)),
                        (x >= lo) & (x < hi) & ~missing))
    if missing.any():
        out.append(("%s is_missing" % attr, missing.copy()))
    return out


sels = [selectors(a) for a in ATTRS]   # indexed like ATTRS (file order)

# Candidates: all single selectors, and all pairs on two different attributes
# (earlier attribute first). Keep those with size >= MIN_SIZE.
cands = []  # (description, depth, mask)
for a in range(len(ATTRS)):
    for text, mask in sels[a]:
        cands.append((text, 1, mask))
for a in range(len(ATTRS)):
    for b in range(a + 1, len(ATTRS)):
        for ta, ma in sels[a]:
            for tb, mb in sels[b]:
                cands.append((ta + " AND " + tb, 2, ma & mb))
n_all = len(cands)
cands = [c for c in cands if int(c[2].sum()) >= MIN_SIZE]
m = len(cands)

P = int(bought.sum())
p0 = P / N
mean_all = math.fsum(profit.tolist()) / N   # exactly rounded sum, then divide

rows = []
for desc, depth, mask in cands:
    n = int(mask.sum())
    k = int(bought[mask].sum())
    p = k / n
    s_vals, rest = profit[mask], profit[~mask]
    mean_s = math.fsum(s_vals.tolist()) / n
    if len(rest) < 2:
        p_prof = None
    else:
        p_prof = float(stats.ttest_ind(s_vals, rest, equal_var=False,
                                       alternative="greater").pvalue)
    rows.append({
        "description": desc, "depth": depth, "size": n, "positives": k,
        "wracc_above": (n / N) * (p - p0), "wracc_below": (n / N) * (p0 - p),
        "p_above": float(stats.binom.sf(k - 1, n, p0)),
        "p_below": float(stats.binom.cdf(k, n, p0)),
        "mean_profit": mean_s, "impact": (n / N) * (mean_s - mean_all),
        "p_profit_above": p_prof,
    })


def holm(ps):
    """Textbook Holm step-down: adj_(i) = max_{j<=i} min(1, (m-j+1) p_(j)), j 1-based."""
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    adj = [0.0] * m
    running = 0.0
    for j, idx in enumerate(order, start=1):
        running = max(running, min(1.0, (m - j + 1) * ps[idx]))
        adj[idx] = running
    return adj


def bh(ps):
    """Benjamini-Hochberg: adj_(i) = min_{j>=i} min(1, m p_(j) / j), j 1-based."""
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    adj = [0.0] * m
    running = 1.0
    for j in range(m, 0, -1):
        idx = order[j - 1]
        running = min(running, min(1.0, m * ps[idx] / j))
        adj[idx] = running
    return adj


for key, adj in [("holm_above", holm([r["p_above"] for r in rows])),
                 ("holm_below", holm([r["p_below"] for r in rows])),
                 ("bh_above", bh([r["p_above"] for r in rows]))]:
    for r, v in zip(rows, adj):
        r[key] = v

COLS = ["description", "depth", "size", "positives", "wracc_above", "wracc_below",
        "p_above", "p_below", "holm_above", "holm_below", "bh_above",
        "mean_profit", "impact", "p_profit_above"]
rows.sort(key=lambda r: r["description"])
with open("golden_depth2.csv", "w", newline="") as f:
    f.write(",".join(COLS) + "\n")
    for r in rows:
        cells = []
        for c in COLS:
            v = r[c]
            if v is None:
                cells.append("")
            elif isinstance(v, str) or isinstance(v, int):
                cells.append(str(v))   # descriptions contain no comma or quote
            else:
                cells.append(fmt(v))
        f.write(",".join(cells) + "\n")

# ---- report -------------------------------------------------------------
print("python %s, numpy %s, pandas %s, scipy %s" % (sys.version.split()[0], np.__version__,
                                                   pd.__version__, scipy.__version__))
print("N = %d, positives = %d, p0 = %s, mean_all = %s" % (N, P, fmt(p0), fmt(mean_all)))
for a, s in zip(ATTRS, sels):
    print("selectors of %-10s (%d): %s" % (a, len(s), " | ".join(t for t, _ in s)))
print("candidates enumerated = %d, kept (size >= %d) = m = %d, depth1 = %d, depth2 = %d"
      % (n_all, MIN_SIZE, m, sum(r["depth"] == 1 for r in rows),
         sum(r["depth"] == 2 for r in rows)))
tables = [
    ("Top 5 by wracc_above", "wracc_above", ["p_above", "holm_above"], rows, -1),
    ("Top 5 by wracc_below", "wracc_below", ["p_below", "holm_below"], rows, -1),
    ("Top 5 by impact", "impact", ["mean_profit", "p_profit_above"], rows, -1),
    # extras, to show the other planted effects
    ("Bottom 5 by impact (most negative)", "impact", ["mean_profit", "p_profit_above"], rows, 1),
    ("Top 5 by wracc_below among 'income < F AND visits >= E'",
     "wracc_below", ["p_below", "holm_below"],
     [r for r in rows if "visits >=" in r["description"] and "income <" in r["description"]
      and "<= income" not in r["description"]], -1),
]
for title, key, extra, pool, sign in tables:
    print("\n%s:" % title)
    print("| description | size | positives | %s | %s |" % (key, " | ".join(extra)))
    print("|---|---:|---:|---:|%s" % ("---:|" * len(extra)))
    top = sorted(pool, key=lambda r: (sign * r[key], r["description"]))[:5]
    for r in top:
        print("| %s | %d | %d | %.6f | %s |" % (r["description"], r["size"], r["positives"],
              r[key], " | ".join("%.4g" % r[e] for e in extra)))
