# Peer of the propensity benchmark: writes a synthetic lead table of N rows
# x 30 features (20 numeric with 5 % missing, 10 categorical with 3 to 50
# levels; the outcome depends on 8 of them, with interactions) to CSV, then
# trains scikit-learn's HistGradientBoostingClassifier on the first 80 % and
# scores the rest, timing both. The Go benchmark reads the same CSV
# (scripts/propensity_bench.sh).
#
#   /usr/bin/python3 scripts/propensity_bench.py N OUT.csv
import json, sys, time
import numpy as np, pandas as pd, sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(1)
cols = {}
for j in range(20):
    x = rng.normal(size=n) if j % 2 == 0 else rng.exponential(size=n)
    x[rng.random(n) < 0.05] = np.nan
    cols["num_%d" % j] = x
levels = [3, 5, 8, 12, 20, 30, 50, 4, 6, 10]
for j, k in enumerate(levels):
    cols["cat_%d" % j] = rng.integers(0, k, size=n)
df = pd.DataFrame(cols)
z = (-1.5 + 0.8 * np.nan_to_num(df.num_0) - 0.6 * np.nan_to_num(df.num_1) + 0.5 * (np.nan_to_num(df.num_2) > 0.5)
     + 0.7 * (df.cat_0 == 1) - 0.5 * np.isin(df.cat_4, [0, 3, 7, 11]) + 0.4 * np.nan_to_num(df.num_3) * (df.cat_1 < 2)
     + 0.6 * np.isnan(df.num_4) + 0.3 * np.sin(3 * np.nan_to_num(df.num_5)))
df["y"] = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
df.to_csv(out, index=False, float_format="%.6g")

k = int(0.8 * n)
X, y = df.drop(columns="y"), df.y
cat = np.array([c.startswith("cat_") for c in X.columns])
m = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, categorical_features=cat, random_state=0)
t0 = time.time()
m.fit(X.iloc[:k], y.iloc[:k])
fit = time.time() - t0
t0 = time.time()
p = m.predict_proba(X.iloc[k:])[:, 1]
score = time.time() - t0
print(json.dumps({"sklearn": sklearn.__version__, "rows": n, "train_rows": k, "fit_seconds": round(fit, 2),
                  "score_rows_per_second": round((n - k) / score), "roc_auc": round(roc_auc_score(y.iloc[k:], p), 4)}))
