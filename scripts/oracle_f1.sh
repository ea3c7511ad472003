#!/usr/bin/env bash
# Upper bound of persona F1 on a generated shop: for each negative archetype,
# subgroup discovery with the archetype itself as the target (an oracle that
# reads truth.csv), F-measure quality, depth 3, beam width 40 — once on the
# lead-time traits (contacts.csv) and once on traits and behaviour (the
# features of a build). No persona made of up to three conditions can match
# an archetype better than this.
#
#   scripts/oracle_f1.sh [CONTACTS] [SEED] [WORKDIR]
set -euo pipefail
N=${1:-20000}
SEED=${2:-1}
WORK=${3:-/tmp/antipersona-oracle-$N-$SEED}
. "$(dirname "$0")/shop.sh"
shop_workspace "$N" "$SEED" "$WORK"
P2=$(period "$WORK/data" period2_end)
"$BIN" -q -w "$WORK/ws" build --as-of "$P2" >/dev/null
"$BIN" -q -w "$WORK/ws" features --format csv --out "$WORK/features.csv"
python3 - "$WORK" <<'PY'
import csv, sys
w = sys.argv[1]
arch = {r["contact_id"]: r["archetype"] for r in csv.DictReader(open(w + "/data/truth.csv"))}
for src, dst in [("/data/contacts.csv", "/traits.csv"), ("/features.csv", "/behaviour.csv")]:
    rows = list(csv.DictReader(open(w + src)))
    cols = list(rows[0].keys()) + ["archetype"]
    with open(w + dst, "w", newline="") as f:
        out = csv.DictWriter(f, cols)
        out.writeheader()
        for r in rows:
            r["archetype"] = arch.get(r["contact_id"], "")
            out.writerow(r)
PY
printf '%-20s %-10s %5s %5s %5s  %s\n' archetype basis F1 P R description
for a in mimic student_researcher cant_afford_fan serial_returner complainer bargain_only expensive_paid_lead fast_churner; do
  for basis in traits behaviour; do
    "$BIN" discover "$WORK/$basis.csv" --target archetype --positive-value "$a" --quality f1 --depth 3 --width 40 --results 1 --json \
      --exclude-columns email,phone,first_name,last_name,first_seen_at,first_order_at,last_order_at,first_event_at,last_event_at 2>/dev/null |
      python3 -c '
import json, sys
d = json.load(sys.stdin)
g = d["subgroups"][0] if d["subgroups"] else None
a, b = sys.argv[1], sys.argv[2]
print("%-20s %-10s %5.2f %5.2f %5.2f  %s" % (a, b, g["quality"], g["target_rate"], g["coverage"], g["description"]) if g else "%-20s %-10s none" % (a, b))' "$a" "$basis"
  done
done
