#!/usr/bin/env bash
# How well the negative personas of a build match the planted negative
# archetypes of a generated shop: for each archetype, the best F1 of a
# negative persona's members (assignments) against the archetype's
# contacts (truth.csv), and the personas made mostly of positive archetypes.
# Runs the defaults (lead-time traits) and personas.include_behaviour: true.
#
#   scripts/persona_f1.sh [CONTACTS] [SEED] [WORKDIR]
set -euo pipefail
N=${1:-20000}
SEED=${2:-1}
WORK=${3:-/tmp/antipersona-f1-$N-$SEED}
. "$(dirname "$0")/shop.sh"
shop_workspace "$N" "$SEED" "$WORK"
P1=$(period "$WORK/data" period1_end)
for mode in lead_time behaviour; do
  if [ $mode = behaviour ]; then sed -i 's/include_behaviour: false/include_behaviour: true/' "$WORK/ws/antipersona.yaml"; fi
  "$BIN" -q -w "$WORK/ws" build --as-of "$P1" >/dev/null
  "$BIN" -q -w "$WORK/ws" assignments --out "$WORK/assign-$mode.csv"
  python3 - "$WORK/data/truth.csv" "$WORK/assign-$mode.csv" "$N" "$SEED" "$mode" <<'PY'
import csv, sys, collections
truth = {r["contact_id"]: r for r in csv.DictReader(open(sys.argv[1]))}
members = collections.defaultdict(set)
for r in csv.DictReader(open(sys.argv[2])):
    for p in filter(None, (r["negative_persona_ids"] or "").split("|")):
        members[p].add(r["contact_id"])
arch = collections.defaultdict(set)
for cid, r in truth.items():
    if r["is_negative"] == "true":
        arch[r["archetype"]].add(cid)
cells = []
for a in sorted(arch):
    best = 0.0
    for m in members.values():
        tp = len(m & arch[a])
        if tp:
            p, rc = tp / len(m), tp / len(arch[a])
            best = max(best, 2 * p * rc / (p + rc))
    cells.append("%s %.2f" % (a, best))
mostly = sum(1 for m in members.values() if sum(truth[c]["is_negative"] != "true" for c in m) > len(m) / 2)
print("%s contacts, seed %s, %-9s: %s; %d personas, %d mostly positive" % (sys.argv[3], sys.argv[4], sys.argv[5], ", ".join(cells), len(members), mostly))
PY
done
