#!/usr/bin/python3
"""Independent pandas reference computation of RFM figures on UCI Online Retail.

Usage (from the repository root /work/main):

    /usr/bin/python3 testdata/online_retail/rfm_pandas.py \
        ../shared/datasets/online_retail/OnlineRetail.csv.gz \
        testdata/online_retail/rfm_golden.csv

See README.md beside this file for the definitions of every column.
"""

import csv
import math
import sys

import os

import pandas as pd

# Defaults are relative to the repository root (/work/main), found from this
# file's location, so the script gives the same result from any directory.
REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_INPUT = os.path.join(REPO_ROOT, "../shared/datasets/online_retail/OnlineRetail.csv.gz")
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "testdata/online_retail/rfm_golden.csv")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
OUT_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
AS_OF_DATE = pd.Timestamp("2011-12-10")

# Published figures, /work/shared/datasets/SOURCES.md
PUBLISHED = {
    "invoices": 25900,
    "customers": 4372,
    "countries": 38,
    "cancellation rows": 9288,
}


def fmt_float(x):
    """Shortest round-tripping repr of a float64; never '-0.0'."""
    x = float(x)
    if x == 0.0:
        x = 0.0
    return repr(x)


def fsum(values):
    """Correctly rounded sum of the float64 values (order independent)."""
    return math.fsum(values)


def main(argv):
    src = argv[1] if len(argv) > 1 else DEFAULT_INPUT
    dst = argv[2] if len(argv) > 2 else DEFAULT_OUTPUT

    df = pd.read_csv(
        src,
        dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str,
               "Description": str, "Country": str},
        keep_default_na=False,  # empty CustomerID stays "", never NaN / 12346.0
    )
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"], format=DATE_FORMAT)

    is_cancel_all = df["InvoiceNo"].str.startswith("C")
    totals = {
        "rows": len(df),
        "rows with customer": int((df["CustomerID"] != "").sum()),
        "customers": int(df.loc[df["CustomerID"] != "", "CustomerID"].nunique()),
        "invoices": int(df["InvoiceNo"].nunique()),
        "countries": int(df["Country"].nunique()),
        "cancellation rows": int(is_cancel_all.sum()),
    }
    for k, v in totals.items():
        print(f"{k}: {v}", file=sys.stderr)

    bad = [(k, totals[k], v) for k, v in PUBLISHED.items() if totals[k] != v]
    if bad:
        for k, got, want in bad:
            print(f"MISMATCH {k}: got {got}, published {want}", file=sys.stderr)
        sys.exit("totals differ from /work/shared/datasets/SOURCES.md")

    # Rows with an empty CustomerID are ignored (ingest rejects them).
    d = df[df["CustomerID"] != ""].copy()
    d["amount"] = d["Quantity"].astype("float64") * d["UnitPrice"].astype("float64")

    customers = sorted(d["CustomerID"].unique())  # sort as strings

    # monetary: all rows of the customer (net revenue)
    monetary = d.groupby("CustomerID")["amount"].agg(fsum)

    # returns_amount: -sum over rows with Quantity < 0
    neg = d[d["Quantity"] < 0]
    returns = -neg.groupby("CustomerID")["amount"].agg(fsum)

    # orders: Quantity > 0 rows of invoices not starting with "C"
    orders = d[(d["Quantity"] > 0) & ~d["InvoiceNo"].str.startswith("C")]
    og = orders.groupby("CustomerID")
    frequency = og["InvoiceNo"].nunique()
    # An order's time is the earliest time among its lines (a few invoices
    # have lines stamped a minute apart).
    order_at = orders.groupby(["CustomerID", "InvoiceNo"])["InvoiceDate"].min().reset_index()
    first_at = order_at.groupby("CustomerID")["InvoiceDate"].min()
    last_at = order_at.groupby("CustomerID")["InvoiceDate"].max()

    with open(dst, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["contact_id", "frequency", "recency_days", "monetary",
                    "returns_amount", "first_order_at", "last_order_at"])
        for cid in customers:
            freq = int(frequency.get(cid, 0))
            if freq > 0:
                last = last_at[cid]
                first = first_at[cid]
                recency = str((AS_OF_DATE - last.normalize()).days)
                first_s = first.strftime(OUT_TIME_FORMAT)
                last_s = last.strftime(OUT_TIME_FORMAT)
            else:
                recency = first_s = last_s = ""
            w.writerow([
                cid,
                freq,
                recency,
                fmt_float(monetary[cid]),
                fmt_float(returns.get(cid, 0.0)),
                first_s,
                last_s,
            ])

    print(f"golden rows: {len(customers)} -> {dst}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
