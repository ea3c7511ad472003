#!/usr/bin/python3
"""Write fixture.csv: a deterministic synthetic data set for subgroup discovery tests.

Run:  cd subgroup/testdata && /usr/bin/python3 make_fixture.py
Seed: numpy default_rng(7). Missing values are written as empty cells.
Planted effects (computed from the *true* values, before missingness is applied):
  * occupation=student AND source=blog  -> bought rate ~2 %  (base ~20 %);
    other students buy at ~35 %, so the conjunction beats occupation=student alone
  * age>=60 AND city=Krakow             -> bought rate ~65 %, profit +120
  * visits>=12 AND income<5000          -> bought rate ~5 %  (low, not zero)
  * source=ads                          -> profit -60 on average
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(7)
N = 2000

occupations = np.array(["student", "employee", "manager", "retired", "freelancer"])
occ = rng.choice(occupations, size=N, p=[0.25, 0.32, 0.13, 0.15, 0.15])
# students mostly arrive via the blog (so the planted student/blog group is large)
sources = np.array(["blog", "ads", "referral", "organic", "newsletter"])
source = np.where(occ == "student",
                  rng.choice(sources, size=N, p=[0.55, 0.15, 0.10, 0.10, 0.10]),
                  rng.choice(sources, size=N, p=[0.20, 0.28, 0.15, 0.27, 0.10]))
city = rng.choice(np.array(["Warsaw", "Krakow", "Hanoi", "Tbilisi", "Gdansk"]),
                  size=N, p=[0.30, 0.25, 0.15, 0.15, 0.15])

# age depends on occupation (students young, retired old), integers 18..80
age = np.where(occ == "student", rng.integers(18, 31, N),
      np.where(occ == "retired", rng.integers(58, 81, N), rng.integers(22, 71, N)))

# income depends on occupation, multiples of 100 in [1000, 20000]
lo = {"student": 1000, "employee": 3000, "manager": 8000, "retired": 2000, "freelancer": 2000}
hi = {"student": 4500, "employee": 10000, "manager": 20000, "retired": 6500, "freelancer": 15000}
income = np.array([rng.integers(lo[o] // 100, hi[o] // 100 + 1) * 100 for o in occ])

# visits: zero-inflated geometric counts clipped to 0..60 (many ties; ~35 % zeros,
# so the first quartile edge equals the minimum and is dropped by the binning rule)
visits = np.minimum(rng.geometric(1 / 12.0, N) - 1, 60)
visits[rng.random(N) < 0.30] = 0

# --- binary target -------------------------------------------------------
p = np.full(N, 0.20)
p[source == "referral"] = 0.27                          # mild noise effects
p[source == "newsletter"] = 0.16
p[occ == "student"] = 0.35                               # students NOT via blog buy more
p[(visits >= 12) & (income < 5000)] = 0.05             # high visits, low income
p[(occ == "student") & (source == "blog")] = 0.02       # student via blog
p[(age >= 60) & (city == "Krakow")] = 0.65              # older people in Krakow
bought = (rng.random(N) < p).astype(int)

# --- numeric target ------------------------------------------------------
profit = rng.normal(40.0, 45.0, N) + 35.0 * bought
profit[source == "ads"] -= 60.0
profit[(age >= 60) & (city == "Krakow")] += 120.0
profit = np.round(profit, 2) + 0.0   # "+ 0.0" turns -0.0 into 0.0

# --- missingness (independent, applied to observed values only) ----------
def with_missing(values, rate):
    vals = pd.Series(values, dtype=object)
    vals[rng.random(N) < rate] = ""
    return vals

df = pd.DataFrame({
    "id": ["R%04d" % (i + 1) for i in range(N)],
    "occupation": with_missing(occ, 0.03),
    "source": source,
    "city": with_missing(city, 0.05),
    "age": with_missing(age, 0.04),
    "income": with_missing(income, 0.06),
    "visits": visits,
    "bought": bought,
    "profit": ["%.2f" % v for v in profit],
})
df.to_csv("fixture.csv", index=False)
print("wrote fixture.csv: %d rows, bought rate %.4f, mean profit %.4f"
      % (N, bought.mean(), profit.mean()))
