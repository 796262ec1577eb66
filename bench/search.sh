#!/bin/bash
# bench/search.sh: fdnix-search's speed and memory on a full corpus with the
# offline embedder (SQLite table, vector files in a directory).
#
# Prints JSON lines, medians of RUNS runs (default 3):
#   - load: wall time to read the table and read and check every batch file,
#     and peak RSS after loading (measured inside the program);
#   - queries: median and p90 latency of a query after loading (embedding
#     plus ranking, measured inside the program over the relevance queries
#     asked REPEAT times, default 3), and the peak RSS of the whole run (GNU
#     time);
#   - one-shot: wall time of `fdnix-search rg` from start to exit.
#
# Usage: bench/search.sh [CORPUS.json.gz]   (default: $FDNIX_CORPUS)
# The table and vectors are built once under $FDNIX_BENCH_CACHE (default
# ${TMPDIR:-/tmp}/fdnix-bench-search, shared with bench/relevance) and
# brought up to date on later runs.  Needs a built tree (FDNIX_BUILDDIR or
# ./), python3 and GNU time.  Build without sanitizers for meaningful figures.
set -eu
corpus=${1:-${FDNIX_CORPUS:-}}
[ -n "$corpus" ] || { echo "no corpus: set FDNIX_CORPUS or give one" >&2; exit 2; }
[ -d "$corpus" ] && corpus=$corpus/nixpkgs-packages.json.gz
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
runs=${RUNS:-3}
repeat=${REPEAT:-3}
builddir=${FDNIX_BUILDDIR:-$(pwd)}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cache=${FDNIX_BENCH_CACHE:-${TMPDIR:-/tmp}/fdnix-bench-search}
for p in fdnix-metadata fdnix-embed fdnix-search; do
  [ -x "$builddir/$p" ] || { echo "no $builddir/$p (set FDNIX_BUILDDIR)" >&2; exit 2; }
done
for t in /usr/bin/time python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 2; }
done

mkdir -p "$cache"
: >"$cache/empty.conf"
export FDNIX_CONFIG="$cache/empty.conf" FDNIX_DATA_DIR="$cache/offline"
export FDNIX_IDF_FILE=${FDNIX_IDF_FILE:-$srcdir/data/fdnix-offline-idf.tsv.gz}
unset S3_BUCKET BEDROCK_MODEL_ID DYNAMODB_TABLE AWS_ENDPOINT_URL FDNIX_EMBEDDER OPENAI_BASE_URL 2>/dev/null || true
"$builddir/fdnix-metadata" --input "$corpus" --log-format=json 2>"$cache/bench-metadata.log" \
  || { tail -3 "$cache/bench-metadata.log" >&2; exit 1; }
"$builddir/fdnix-embed" --log-format=json 2>"$cache/bench-embed.log" \
  || { tail -3 "$cache/bench-embed.log" >&2; exit 1; }

grep -v '^#' "$srcdir/bench/relevance/queries.tsv" | grep -v '^$' | cut -f2 >"$cache/bench-queries.txt"
: >"$cache/bench-many.txt"
for _ in $(seq "$repeat"); do cat "$cache/bench-queries.txt" >>"$cache/bench-many.txt"; done

: >"$cache/bench-runs.jsonl"
for i in $(seq "$runs"); do
  /usr/bin/time -f '%e %M' -o "$cache/bench-time" "$builddir/fdnix-search" --json --queries "$cache/bench-many.txt" \
    --summary-json "$cache/bench-summary.json" --log-format=json >/dev/null 2>"$cache/bench-search.log" \
    || { tail -3 "$cache/bench-search.log" >&2; exit 1; }
  /usr/bin/time -f '%e %M' -o "$cache/bench-time-one" "$builddir/fdnix-search" --json rg >/dev/null 2>&1
  python3 - "$cache/bench-summary.json" "$cache/bench-time" "$cache/bench-time-one" >>"$cache/bench-runs.jsonl" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
wall, rss = open(sys.argv[2]).read().split()
one_wall, one_rss = open(sys.argv[3]).read().split()
print(json.dumps({"packages": s["counts"]["packages"], "vectors": s["counts"]["vectors"],
                  "files": s["counts"]["files"], "queries": s["counts"]["queries"],
                  "load_s": s["latency_us"]["load"] / 1e6,
                  "query_ms_median": s["latency_us"]["query_median"] / 1e3,
                  "query_ms_p90": s["latency_us"]["query_p90"] / 1e3,
                  "index_mb": s["memory_kb"]["index"] / 1024,
                  "peak_rss_after_load_mb": s["memory_kb"]["peak_rss_after_load"] / 1024,
                  "peak_rss_mb": int(rss) / 1024, "one_shot_s": float(one_wall),
                  "one_shot_peak_rss_mb": int(one_rss) / 1024}))
PY
done
python3 - "$cache/bench-runs.jsonl" "$runs" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda k: round(statistics.median(r[k] for r in rows), 3)
base = {"bench": "search", "embedder": "offline", "runs": int(sys.argv[2]),
        "packages": rows[0]["packages"], "vectors": rows[0]["vectors"], "files": rows[0]["files"]}
print(json.dumps(dict(base, phase="load", load_s=med("load_s"), index_mb=med("index_mb"),
                      peak_rss_after_load_mb=med("peak_rss_after_load_mb"))))
print(json.dumps(dict(base, phase="queries", queries=rows[0]["queries"],
                      query_ms_median=med("query_ms_median"), query_ms_p90=med("query_ms_p90"),
                      peak_rss_mb=med("peak_rss_mb"))))
print(json.dumps(dict(base, phase="one-shot", query="rg", wall_s=med("one_shot_s"),
                      peak_rss_mb=med("one_shot_peak_rss_mb"))))
PY
