# Sourced by the persona scripts: shop_workspace N SEED WORK builds the
# binary into WORK, generates the shop of N contacts (kept between runs of
# the same N and SEED) into WORK/data, and ingests every file into a new
# workspace WORK/ws. It sets BIN. period DATA_DIR NAME prints a date of
# periods.json.
shop_workspace() {
  local n=$1 seed=$2 work=$3
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  BIN="$work/antipersona"
  mkdir -p "$work"
  (cd "$root" && go build -o "$BIN" ./cmd/antipersona)
  if [ "$(cat "$work/data/.done" 2>/dev/null)" != "$n-$seed" ]; then
    rm -rf "$work/data"
    "$BIN" -q generate --contacts "$n" --seed "$seed" --out "$work/data"
    echo "$n-$seed" >"$work/data/.done"
  fi
  rm -rf "$work/ws"
  "$BIN" -q init "$work/ws"
  for kf in contacts:contacts.csv orders:orders.csv events:events.jsonl costs:costs.csv touches:touches.csv surveys:surveys.csv; do
    "$BIN" -q -w "$work/ws" ingest "${kf%%:*}" "$work/data/${kf#*:}"
  done
}

period() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/periods.json" "$2"
}
