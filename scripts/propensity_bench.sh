#!/usr/bin/env bash
# Propensity benchmark: the same synthetic table (N rows x 30 features) for
# scikit-learn's HistGradientBoostingClassifier (the peer, Debian's
# python3-sklearn) and for propensity.FitGBDT, in the same run; both 100
# trees of 31 leaves, no early stopping, native categories, trained on the
# first 80 % of the rows and scored on the rest.
#
#   scripts/propensity_bench.sh 100000
#   scripts/propensity_bench.sh 1000000
set -euo pipefail
N=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV=${TMPDIR:-/tmp}/propensity-bench-$N.csv
echo "peer: $(/usr/bin/python3 "$ROOT/scripts/propensity_bench.py" "$N" "$CSV")"
cd "$ROOT" && PROPENSITY_BENCH_CSV=$CSV go test -run '^$' -bench 'GBDTFile' -benchtime 1x -benchmem ./propensity | grep -E 'Benchmark|ok'
