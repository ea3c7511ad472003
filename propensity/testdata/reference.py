# Reference scores for the propensity tests, from scikit-learn (Debian's
# python3-sklearn), and the exact holdout they were measured on, so that the
# Go models are evaluated on the same rows.
#
#   /usr/bin/python3 propensity/testdata/reference.py ../shared/datasets
#
# Protocol (../shared/datasets/SOURCES.md): stratified 25 % holdout,
# random_state=0, one-hot categoricals (missing is a category), numeric
# columns imputed with the median (and standardised for logistic
# regression). Writes <name>_test_rows.txt (0-based data rows of the
# holdout, file order) and reference.json (ROC AUC per model, and the
# scikit-learn version).
import json, os, sys, time
import numpy as np, pandas as pd, sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

root = sys.argv[1]
out = os.path.dirname(os.path.abspath(__file__))

def load(name):
    if name == "leads":
        df = pd.read_csv(os.path.join(root, "leads/Leads.csv"))
        df = df.loc[:, ~df.columns.str.startswith("Unnamed")]
        y = df.pop("Converted").astype(int)
        drop = ["Prospect ID", "Lead Number", "Tags", "Lead Quality", "Lead Profile", "Last Activity",
                "Last Notable Activity"] + [c for c in df.columns if c.startswith("Asymmetrique")]
    else:
        df = pd.read_csv(os.path.join(root, "customer_personality/marketing_campaign.csv"), sep="\t")
        y = df.pop("Response").astype(int)
        drop = ["ID", "Dt_Customer", "Z_CostContact", "Z_Revenue"]
    return df.drop(columns=drop), y

def models(X):
    cat = [c for c in X.columns if X[c].dtype == object]
    num = [c for c in X.columns if c not in cat]
    onehot = make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                           OneHotEncoder(handle_unknown="ignore", sparse_output=False))
    def pre(scale):
        steps = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
        return ColumnTransformer([("num", make_pipeline(*steps), num), ("cat", onehot, cat)])
    return {
        "logistic_regression": make_pipeline(pre(True), LogisticRegression(max_iter=2000)),
        "hist_gradient_boosting": make_pipeline(pre(False), HistGradientBoostingClassifier(random_state=0)),
    }

ref = {"sklearn": sklearn.__version__}
for name in ["leads", "customer_personality"]:
    X, y = load(name)
    idx = np.arange(len(y))
    tr, te = train_test_split(idx, test_size=0.25, stratify=y, random_state=0)
    np.savetxt(os.path.join(out, name + "_test_rows.txt"), np.sort(te), fmt="%d")
    ref[name] = {}
    for m, model in models(X).items():
        t0 = time.time()
        model.fit(X.iloc[tr], y.iloc[tr])
        p = model.predict_proba(X.iloc[te])[:, 1]
        ref[name][m] = round(roc_auc_score(y.iloc[te], p), 4)
        print(name, m, ref[name][m], "%.2fs" % (time.time() - t0))
with open(os.path.join(out, "reference.json"), "w") as f:
    json.dump(ref, f, indent=2, sort_keys=True)
    f.write("\n")
