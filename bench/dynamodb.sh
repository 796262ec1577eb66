#!/bin/bash
# bench/dynamodb.sh: how fast fdnix-metadata fills a DynamoDB table, against
# dynalite, side by side with two reference writers on the same items:
#
#   fdnix        a full load by fdnix-metadata at its default concurrency
#                (items/s of the write phase, and of the whole run)
#   sequential   the original pipeline's way: botocore, one BatchWriteItem
#                at a time on one connection (bench/dynamodb-clients.py)
#   ceiling-N    what the server can take: N threads sending pre-built,
#                unsigned BatchWriteItem bodies as fast as it answers; the
#                ceiling is the best N
#
# Every run gets a fresh dynalite (it slows down as its store grows), runs
# are interleaved over BENCH_ROUNDS rounds and medians are reported.
#
# On loopback a call costs the server's time only; BENCH_RTT_MS=10 puts
# bench/latency-proxy.js in front of dynalite so that every answer comes
# that much later, as from an AWS region (the sequential writer pays it
# once per call, the others overlap it).
#
#   bench/dynamodb.sh            (the corpus in $FDNIX_CORPUS)
#   BENCH_ITEMS=20000 BENCH_ROUNDS=1 bench/dynamodb.sh    (a quick look)
#   BENCH_RTT_MS=10 bench/dynamodb.sh
#
# Prints one JSON line per run, then a table.  Needs node with dynalite
# (npm ci --prefix tests/servers), /usr/bin/python3 with python3-botocore.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
: "${FDNIX_CORPUS:=$top/../shared/data/nixpkgs-packages.json.gz}"
: "${BENCH_ROUNDS:=3}"
: "${BENCH_ITEMS:=0}"
: "${BENCH_CEILING_CONCURRENCY:=4 16}"
: "${BENCH_RTT_MS:=0}"
: "${FDNIX_METADATA:=$(command -v fdnix-metadata || echo "${FDNIX_BUILDDIR:-.}/fdnix-metadata")}"
modules=${FDNIX_NODE_MODULES:-$top/tests/servers/node_modules}
clients="/usr/bin/python3 $here/dynamodb-clients.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-bench-dynamodb-XXXXXX")
server_pid=
relay_pid=
cleanup () {
  for pid in $server_pid $relay_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

[ -d "$modules/dynalite" ] || { echo "dynalite not found in $modules" >&2; exit 1; }
[ -x "$FDNIX_METADATA" ] || { echo "fdnix-metadata not found (set FDNIX_METADATA)" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=AKIDBENCH00000000000 AWS_SECRET_ACCESS_KEY=benchSecretKey000000000000000000000000
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true FDNIX_NODE_MODULES=$modules
unset DYNAMODB_TABLE AWS_PROFILE AWS_SESSION_TOKEN

echo "# preparing the input ($FDNIX_CORPUS${BENCH_ITEMS:+, first $BENCH_ITEMS packages})" >&2
input=$FDNIX_CORPUS
if [ "$BENCH_ITEMS" != 0 ]; then
  python3 - "$FDNIX_CORPUS" "$tmp/input.json" "$BENCH_ITEMS" <<'PY'
import gzip, json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
opener = gzip.open if src.endswith(".gz") else open
data = json.load(opener(src, "rt", encoding="utf-8"))
json.dump({k: data[k] for k in list(data)[:n]}, open(dst, "w"), ensure_ascii=False)
PY
  input=$tmp/input.json
fi
"$FDNIX_METADATA" --input "$input" --output "$tmp/records.jsonl" 2>/dev/null
$clients items "$tmp/records.jsonl" "$tmp/items.jsonl"
echo "# $(wc -l < "$tmp/items.jsonl") items; round trip added: $BENCH_RTT_MS ms; machine load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

free_port () { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port () { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }
start_dynalite () {
  port=$(free_port)
  node "$top/tests/servers/dynalite-local.js" "$port" >/dev/null 2>&1 &
  server_pid=$!
  wait_port "$port"
  endpoint=http://127.0.0.1:$port
  if [ "$BENCH_RTT_MS" != 0 ]; then
    relay=$(free_port)
    node "$here/latency-proxy.js" "$relay" "$port" "$BENCH_RTT_MS" >/dev/null 2>&1 &
    relay_pid=$!
    wait_port "$relay"
    endpoint=http://127.0.0.1:$relay
  fi
}
stop_dynalite () {
  for pid in $server_pid $relay_pid; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  server_pid=; relay_pid=
}

run_fdnix () {
  local start end
  start=$(date +%s.%N)
  "$FDNIX_METADATA" --input "$input" --dynamodb-table bench --create-table --endpoint-url "$endpoint" \
    --log-format json --summary-json "$tmp/summary.json" 2>"$tmp/fdnix.log"
  end=$(date +%s.%N)
  jq -c --arg wall "$(echo "$end - $start" | bc)" '{client: "fdnix", items: .counts.written,
      requests: .requests.dynamodb, seconds: .durations_s.dynamodb_write,
      items_per_s: ((.counts.written / .durations_s.dynamodb_write) * 10 | round / 10),
      run_seconds: ($wall | tonumber), run_items_per_s: ((.counts.written / ($wall | tonumber)) * 10 | round / 10),
      retries: .retries.total}' "$tmp/summary.json"
}

: > "$tmp/results.jsonl"
for round in $(seq "$BENCH_ROUNDS"); do
  for client in $(for c in $BENCH_CEILING_CONCURRENCY; do echo "ceiling-$c"; done) fdnix sequential; do
    start_dynalite
    case $client in
      fdnix) line=$(run_fdnix) ;;
      sequential) $clients create "$endpoint" bench; line=$($clients sequential "$endpoint" bench "$tmp/items.jsonl") ;;
      ceiling-*) $clients create "$endpoint" bench
                 line=$($clients ceiling "$endpoint" bench "$tmp/items.jsonl" --concurrency "${client#ceiling-}") ;;
    esac
    stop_dynalite
    line=$(echo "$line" | jq -c --argjson r "$round" --arg load "$(cut -d' ' -f1 /proc/loadavg)" '. + {round: $r, load: ($load | tonumber)}')
    echo "$line"
    echo "$line" >> "$tmp/results.jsonl"
  done
done

python3 - "$tmp/results.jsonl" "$BENCH_RTT_MS" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
by, rounds = {}, {}
for r in runs:
    by.setdefault(r["client"], []).append(r)
    rounds.setdefault(r["round"], {})[r["client"]] = r
med = {c: statistics.median(r["items_per_s"] for r in rs) for c, rs in by.items()}
reqs = {c: statistics.median(r["requests"] for r in rs) for c, rs in by.items()}
ceilings = {c: v for c, v in med.items() if c.startswith("ceiling")}
best = max(ceilings, key=ceilings.get)
seq = "sequential-botocore"
print()
print("%-20s %10s %10s   (median of %d rounds; %s ms added round trip)" %
      ("writer", "items/s", "requests", len(rounds), sys.argv[2]))
for c in sorted(by, key=lambda c: -med[c]):
    print("%-20s %10.0f %10.0f" % (c, med[c], reqs[c]))
run_rate = statistics.median(r["run_items_per_s"] for r in by["fdnix"])
# ratios within each round, where the machine's load was alike
vs_seq = statistics.median(rd["fdnix"]["items_per_s"] / rd[seq]["items_per_s"] for rd in rounds.values())
vs_ceiling = statistics.median(rd["fdnix"]["items_per_s"] /
                               max(v["items_per_s"] for k, v in rd.items() if k.startswith("ceiling"))
                               for rd in rounds.values())
print()
print("fdnix, whole run (parse included): %.0f items/s" % run_rate)
print("fdnix / sequential:  %.2fx of medians, %.2fx median within rounds  (target >= 4)" % (med["fdnix"] / med[seq], vs_seq))
print("fdnix / ceiling:     %.2f of medians (%s), %.2f median within rounds  (target >= 0.9)" %
      (med["fdnix"] / ceilings[best], best, vs_ceiling))
PY
