#!/bin/bash
# bench/embed.sh: fdnix-embed's throughput and memory.
#
# Prints JSON lines:
#   - a full first run with the offline embedder (SQLite table, directory)
#     at 1/8, 1/2 and 1x of the real corpus: wall, CPU, packages/s and peak
#     RSS (medians of RUNS interleaved runs), and the RSS ratio 1x : 1/8
#     (flat means close to 1);
#   - against the project's Bedrock test server (Cohere) answering after
#     50 ms (and 200 ms, nearer to Bedrock's own latency for 96 texts):
#     requests and wall time for M packages at concurrency 1 and at the
#     default (4), and the speed-up.
#
# Usage: bench/embed.sh [CORPUS.json.gz]   (default: $FDNIX_CORPUS)
#        RUNS=3 PARTS=offline,bedrock LATENCIES="50 200" BEDROCK_PACKAGES=4800
# Needs: a built tree (FDNIX_BUILDDIR or ./) with tests/embed-tool and
# tests/fdnix-ingest-dump (make check builds them), python3 with
# python3-botocore (/usr/bin/python3), jq, curl, GNU time.  Build without
# sanitizers for meaningful figures.
set -eu
corpus=${1:-${FDNIX_CORPUS:-../shared/data/nixpkgs-packages.json.gz}}
[ -d "$corpus" ] && corpus=$corpus/nixpkgs-packages.json.gz
runs=${RUNS:-3}
bedrock_packages=${BEDROCK_PACKAGES:-4800}
builddir=${FDNIX_BUILDDIR:-$(pwd)}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
prog="$builddir/fdnix-embed"
tool="$builddir/tests/embed-tool"
dump="$builddir/tests/fdnix-ingest-dump"
for f in "$prog" "$tool" "$dump"; do
  [ -x "$f" ] || { echo "no $f (set FDNIX_BUILDDIR; run make check first)" >&2; exit 2; }
done
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
for t in jq curl /usr/bin/time /usr/bin/python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-bench-embed-XXXXXX")
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
: >"$work/empty.conf"
export FDNIX_CONFIG="$work/empty.conf" XDG_CONFIG_HOME="$work/config"
export FDNIX_IDF_FILE="$srcdir/data/fdnix-offline-idf.tsv.gz"
unset S3_BUCKET BEDROCK_MODEL_ID DYNAMODB_TABLE OPENAI_BASE_URL AWS_ENDPOINT_URL 2>/dev/null || true

# the records, once (the reader fdnix-metadata uses)
"$dump" --records "$corpus" 2>/dev/null | grep -v '"cpu_s"' >"$work/records.jsonl"
total=$(wc -l <"$work/records.jsonl")

median () { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med () { awk -v c="$2" '{ print $c }' "$work/$1" | median; }

# measure NAME CMD...: appends "wall cpu rss_kb" to $work/NAME
measure () {
  name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" \
    || { tail -5 "$work/stderr" >&2; echo "failed: $*" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >>"$work/$name"
}

# --- offline, first full run, at three sizes (PARTS=bedrock skips it)
case ${PARTS:-offline,bedrock} in *offline*) ;; *) runs_offline=0 ;; esac
for i in $(seq "${runs_offline:-$runs}"); do
  for part in 8 2 1; do
    n=$(( total / part ))
    rm -rf "$work/data"
    head -n "$n" "$work/records.jsonl" >"$work/part.jsonl"
    FDNIX_DATA_DIR="$work/data" "$tool" load "$work/part.jsonl" >/dev/null
    FDNIX_DATA_DIR="$work/data" measure "offline-$part" "$prog" --log-format=json
  done
done
for part in 8 2 1; do
  [ -f "$work/offline-$part" ] || continue
  n=$(( total / part ))
  wall=$(med "offline-$part" 1)
  printf '{"bench":"embed-offline","fraction":"1/%s","packages":%s,"runs":%s,"wall_s":%s,"cpu_s":%s,"packages_per_s":%.0f,"packages_per_cpu_s":%.0f,"peak_rss_mb":%.1f}\n' \
    "$part" "$n" "$runs" "$wall" "$(med "offline-$part" 2)" "$(echo "$n / $wall" | bc -l)" \
    "$(echo "$n / $(med "offline-$part" 2)" | bc -l)" "$(echo "$(med "offline-$part" 3) / 1024" | bc -l)"
done
[ -f "$work/offline-1" ] && printf '{"bench":"embed-offline","rss_ratio_1x_to_1/8":%.2f}\n' \
  "$(echo "$(med offline-1 3) / $(med offline-8 3)" | bc -l)"

# --- Bedrock test server (PARTS=offline skips it)
case ${PARTS:-offline,bedrock} in *bedrock*) ;; *) exit 0 ;; esac
export AWS_ACCESS_KEY_ID=AKIDFDNIXBENCH000000 AWS_SECRET_ACCESS_KEY=fdnixBenchSecretKey000000000000000000000
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true BEDROCK_MODEL_ID=cohere.embed-english-v3
head -n "$bedrock_packages" "$work/records.jsonl" >"$work/bedrock.jsonl"
rm -rf "$work/bedrock-start"
FDNIX_DATA_DIR="$work/bedrock-start" "$tool" load "$work/bedrock.jsonl" >/dev/null
for latency in ${LATENCIES:-50 200}; do
  rm -f "$work/port"
  /usr/bin/python3 "$srcdir/tests/servers/bedrock-server.py" --port-file "$work/port" --latency-ms "$latency" \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  export AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:$(cat "$work/port")"
  # warm the server's vector cache, so its own CPU does not count
  rm -rf "$work/data"
  cp -a "$work/bedrock-start" "$work/data"
  FDNIX_DATA_DIR="$work/data" "$prog" --log-format=json 2>/dev/null
  for i in $(seq "$runs"); do
    for c in 1 4; do
      rm -rf "$work/data"
      cp -a "$work/bedrock-start" "$work/data"
      before=$(curl -sf "$AWS_ENDPOINT_URL_BEDROCK_RUNTIME/__stats" | jq .requests)
      FDNIX_DATA_DIR="$work/data" measure "bedrock-$latency-$c" "$prog" --concurrency "$c" --log-format=json
      after=$(curl -sf "$AWS_ENDPOINT_URL_BEDROCK_RUNTIME/__stats" | jq .requests)
      echo $(( after - before )) >>"$work/bedrock-$latency-$c.requests"
    done
  done
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  for c in 1 4; do
    printf '{"bench":"embed-bedrock","latency_ms":%s,"packages":%s,"concurrency":%s,"runs":%s,"requests":%s,"expected_requests":%s,"wall_s":%s,"cpu_s":%s}\n' \
      "$latency" "$bedrock_packages" "$c" "$runs" "$(median <"$work/bedrock-$latency-$c.requests")" \
      "$(( (bedrock_packages + 95) / 96 ))" "$(med "bedrock-$latency-$c" 1)" \
      "$(med "bedrock-$latency-$c" 2)"
  done
  printf '{"bench":"embed-bedrock","latency_ms":%s,"speedup_default_vs_1":%.2f}\n' \
    "$latency" "$(echo "$(med "bedrock-$latency-1" 1) / $(med "bedrock-$latency-4" 1)" | bc -l)"
done
