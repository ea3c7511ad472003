#!/usr/bin/env bash
# How well `antipersona changes` finds the contacts a generated shop plants
# as reinstated (truth.csv: negative in period 1, positive in period 2):
# runs the demo (builds as of the end of both periods) and compares the
# reinstated contacts with them (precision, recall, F1), then lists what
# the other reinstated contacts are and why they came back, and how the
# decisions of each build split the planted negatives and positives.
#
#   scripts/reinstated_f1.sh [CONTACTS] [SEED] [WORKDIR]
set -euo pipefail
N=${1:-10000}
SEED=${2:-1}
WORK=${3:-/tmp/antipersona-reinstated-$N-$SEED}
cd "$(dirname "$0")/.."
go build -o "$WORK.bin" ./cmd/antipersona
rm -rf "$WORK"
"$WORK.bin" -q demo --out "$WORK" --contacts "$N" --seed "$SEED" >/dev/null
"$WORK.bin" -w "$WORK/workspace" changes --json >"$WORK/changes.json"
python3 - "$WORK/changes.json" "$WORK/data/truth.csv" "$N" "$SEED" <<'PY'
import csv, json, sys, collections
ch = json.load(open(sys.argv[1]))
truth = {r["contact_id"]: r for r in csv.DictReader(open(sys.argv[2]))}
planted = {c for c, r in truth.items() if r["is_negative"] == "true" and r["period2_is_negative"] == "false"}
rein = {c["contact_id"]: c for c in ch["reinstated"]}
tp = len(planted & rein.keys())
p, r = tp / max(1, len(rein)), tp / max(1, len(planted))
print("contacts %s seed %s: planted %d, reinstated %d, found %d: precision %.3f recall %.3f F1 %.3f"
      % (sys.argv[3], sys.argv[4], len(planted), len(rein), tp, p, r, 2 * p * r / max(1e-9, p + r)))
other = collections.Counter()
for c in rein.values():
    if c["contact_id"] not in planted:
        codes = "+".join(sorted({x["code"] for x in c["reasons"] or []}))
        other[(truth[c["contact_id"]]["archetype"], codes)] += 1
for (a, codes), n in other.most_common(8):
    print("  not planted: %4d %s (%s)" % (n, a, codes))
PY
