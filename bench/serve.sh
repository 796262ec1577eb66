#!/bin/bash
# bench/serve.sh: fdnix-search --serve under load, with wrk.
#
# On a full corpus (table and vectors built with the offline embedder as
# bench/search.sh does, cached under $FDNIX_BENCH_CACHE), starts the server
# on 127.0.0.1 and drives it with wrk: CONNECTIONS connections (16) for
# DURATION seconds (60), each request a query picked at random from the
# relevance queries (bench/relevance/queries.tsv, 255 real-style queries;
# bench/serve.lua).  Prints one JSON line per phase: requests/s, p50, p90,
# p99 and max latency, errors (socket errors, timeouts and non-2xx
# answers), and the server's RSS at the start and the end of the phase.
#
# Phases: "cache" (the server's defaults, its ranking cache on), "nocache"
# (--cache-entries 0: every request ranks the whole corpus), then
# "overload" (OVERLOAD_CONNECTIONS connections, 256, against
# --max-in-flight 16 and --request-timeout 5 for 15 s: answers beyond the
# cap must be 503s, none may time out, and the server must be alive
# after).
#
# Usage: bench/serve.sh [CORPUS.json.gz]   (default: $FDNIX_CORPUS)
# Needs a built tree (FDNIX_BUILDDIR or ./), wrk, curl and jq.  Build
# without sanitizers for meaningful figures; note what else runs on the
# machine: the figures are the machine's, not the program's alone.
set -eu
corpus=${1:-${FDNIX_CORPUS:-}}
[ -n "$corpus" ] || { echo "no corpus: set FDNIX_CORPUS or give one" >&2; exit 2; }
[ -d "$corpus" ] && corpus=$corpus/nixpkgs-packages.json.gz
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
duration=${DURATION:-60}
connections=${CONNECTIONS:-16}
overload=${OVERLOAD_CONNECTIONS:-256}
builddir=${FDNIX_BUILDDIR:-$(pwd)}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cache=${FDNIX_BENCH_CACHE:-${TMPDIR:-/tmp}/fdnix-bench-serve}
for p in fdnix-metadata fdnix-embed fdnix-search; do
  [ -x "$builddir/$p" ] || { echo "no $builddir/$p (set FDNIX_BUILDDIR)" >&2; exit 2; }
done
for t in wrk curl jq python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 2; }
done

. "$srcdir/bench/offline-snapshot.sh"
echo "{\"corpus\":\"$(basename "$corpus")\",\"queries\":$(wc -l <"$cache/queries.txt"),\"cores\":$(nproc),\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"

server_pid=
stop_server () {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

rss_kb () { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

start_server () {
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "$builddir/fdnix-search" --serve --listen "127.0.0.1:$port" --log-format=json "$@" 2>"$cache/serve.log" &
  server_pid=$!
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { tail -3 "$cache/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the server did not load its snapshot" >&2
  exit 1
}

# run PHASE SECONDS CONNECTIONS: wrk, then one JSON line
run () {
  local phase=$1 seconds=$2 conns=$3 rss_start rss_end line statuses cache_hits load
  rss_start=$(rss_kb "$server_pid")
  FDNIX_WRK_QUERIES="$cache/queries.txt" wrk -t2 -c"$conns" -d"${seconds}s" --timeout 10s \
    -s "$srcdir/bench/serve.lua" "http://127.0.0.1:$port" >"$cache/wrk-$phase.out" 2>&1
  kill -0 "$server_pid" 2>/dev/null || { echo "{\"phase\":\"$phase\",\"error\":\"the server died\"}"; exit 1; }
  rss_end=$(rss_kb "$server_pid")
  load=$(cut -d' ' -f1 /proc/loadavg)
  line=$(sed -n 's/^wrk-json: //p' "$cache/wrk-$phase.out")
  [ -n "$line" ] || { cat "$cache/wrk-$phase.out" >&2; exit 1; }
  curl -s "http://127.0.0.1:$port/metrics" >"$cache/metrics-$phase.txt"
  statuses=$(sed -n 's/^fdnix_http_requests_total{route="search",status="\([0-9]*\)"} \([0-9]*\)$/"\1":\2/p' "$cache/metrics-$phase.txt" | paste -sd,)
  cache_hits=$(sed -n 's/^fdnix_search_cache_hits_total //p' "$cache/metrics-$phase.txt")
  echo "$line" | jq -c --arg phase "$phase" --argjson conns "$conns" --argjson rs "$rss_start" --argjson re "$rss_end" \
    --argjson statuses "{$statuses}" --argjson hits "${cache_hits:-0}" --argjson load "$load" \
    '{phase: $phase, connections: $conns} + . + {errors: (.connect_errors + .read_errors + .write_errors + .timeouts + .non_2xx),
      rss_start_mb: ($rs / 1024 | floor), rss_end_mb: ($re / 1024 | floor),
      rss_growth_pct: ((($re - $rs) * 1000 / $rs | round) / 10), server_statuses: $statuses,
      cache_hits: $hits, load_average: $load}'
}

start_server
rss_loaded=$(rss_kb "$server_pid")
echo "{\"phase\":\"loaded\",\"rss_mb\":$((rss_loaded / 1024))}"
run cache "$duration" "$connections"
stop_server

start_server --cache-entries 0
run nocache "$duration" "$connections"
stop_server

start_server --max-in-flight 16 --cache-entries 0 --request-timeout 5
run overload 15 "$overload"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ] \
  || { echo '{"phase":"overload","error":"/healthz does not answer after the overload"}'; exit 1; }
stop_server
