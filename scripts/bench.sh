#!/usr/bin/env bash
# End-to-end benchmark: generate a shop of N contacts, ingest every file, build,
# and measure wall time and peak memory (GNU time) of each step; then the same
# work done by a peer in the same run: pandas (Debian's python3-pandas), as a
# notebook user would (read the files, group by contact).
#
#   scripts/bench.sh 100000 [WORKDIR]
#
# Needs: /usr/bin/time (Debian package 'time'); pandas optional (peer).
# Disk: about 12 KB per contact (1M contacts ~ 12 GB).
set -euo pipefail
N=${1:-100000}
WORK=${2:-/tmp/antipersona-bench-$N}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$WORK/antipersona"
mkdir -p "$WORK"
(cd "$ROOT" && go build -o "$BIN" ./cmd/antipersona)

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/.time" "$@" >/dev/null 2>"$WORK/.stderr" || { cat "$WORK/.stderr"; exit 1; }
  local out secs kb
  out=$(tail -n 1 "$WORK/.time")
  secs=${out% *}; kb=${out#* }
  printf '%-28s %8.1f s %8.0f MB\n' "$label" "$secs" "$(echo "$kb/1024" | bc -l)"
  echo "$label $secs $kb" >>"$WORK/results.txt"
}

rm -f "$WORK/results.txt"
echo "antipersona benchmark: $N contacts, $(nproc) cores, $(date -u +%F)"
if [ "$(cat "$WORK/data/.n" 2>/dev/null)" != "$N" ]; then
  rm -rf "$WORK/data"
  measure "generate" "$BIN" generate --contacts "$N" --seed 1 --out "$WORK/data" -q
  echo "$N" >"$WORK/data/.n"
fi
for f in contacts.csv events.jsonl orders.csv costs.csv touches.csv surveys.csv; do
  printf '  %-14s %10d lines %8.1f MB\n' "$f" "$(wc -l <"$WORK/data/$f")" "$(echo "$(stat -c %s "$WORK/data/$f")/1048576" | bc -l)"
done
rm -rf "$WORK/ws"
"$BIN" init "$WORK/ws" -q
for kind_file in contacts:contacts.csv events:events.jsonl orders:orders.csv costs:costs.csv touches:touches.csv surveys:surveys.csv; do
  kind=${kind_file%%:*}; file=${kind_file#*:}
  measure "ingest $kind" "$BIN" -w "$WORK/ws" -q ingest "$kind" "$WORK/data/$file"
done
measure "build (as of period 2 end)" "$BIN" -w "$WORK/ws" -q build --as-of 2025-12-31
measure "re-ingest events (all dup)" "$BIN" -w "$WORK/ws" -q ingest events "$WORK/data/events.jsonl"
measure "features export parquet" "$BIN" -w "$WORK/ws" -q features --format parquet --out "$WORK/features.parquet"

if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  cat >"$WORK/peer.py" <<'PY'
# Peer: the notebook way. Read events and orders, count events per contact
# and name, and RFM per contact.
import sys, pandas as pd
d = sys.argv[1]
ev = pd.read_json(d + "/events.jsonl", lines=True, dtype=False)
counts = ev.groupby(["userId", "event"]).size()
o = pd.read_csv(d + "/orders.csv", parse_dates=["timestamp"])
ok = o[o.status != "cancelled"]
rfm = ok.groupby("contact_id").agg(frequency=("order_id", "nunique"), monetary=("revenue", "sum"), last=("timestamp", "max"))
print(len(counts), len(rfm))
PY
  [ "${SKIP_PEER:-}" = 1 ] || measure "peer: pandas events+RFM" /usr/bin/python3 "$WORK/peer.py" "$WORK/data"
fi
echo "results: $WORK/results.txt"
