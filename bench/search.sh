#!/bin/bash
# bench/search.sh: fdnix-search's speed and memory on a full corpus with the
# offline embedder (SQLite table, vector files and search bundle in a
# directory).
#
# Prints JSON lines, medians of RUNS runs (default 3):
#   - load: wall time to read the search bundle (or, for a build without
#     one, the table) and read and check every batch file, and peak RSS
#     after loading (measured inside the program);
#   - queries: median, p90 and p99 latency of a query after loading
#     (embedding plus ranking, measured inside the program over the
#     relevance queries asked REPEAT times, default 3), and the peak RSS of
#     the whole run (GNU time);
#   - one-shot: wall time of `fdnix-search rg` from start to exit.
#
# With FDNIX_BASELINE_BUILDDIR (another build, e.g. of the commit before a
# change) its fdnix-search is measured the same way on the same objects and
# table, the runs alternating, and a table puts both side by side ("before"
# and "after").  A baseline older than the search bundle ignores it and
# reads the table, as it did; one without query_p99 shows "-" there.
#
# Usage: bench/search.sh [CORPUS.json.gz]   (default: $FDNIX_CORPUS)
# The table and vectors are built once under $FDNIX_BENCH_CACHE (default
# ${TMPDIR:-/tmp}/fdnix-bench-search, shared with bench/relevance) by this
# build and brought up to date on later runs.  Needs a built tree
# (FDNIX_BUILDDIR or ./), python3 and GNU time.  Build without sanitizers
# for meaningful figures.
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
baseline=${FDNIX_BASELINE_BUILDDIR:-}
for p in fdnix-metadata fdnix-embed fdnix-search; do
  [ -x "$builddir/$p" ] || { echo "no $builddir/$p (set FDNIX_BUILDDIR)" >&2; exit 2; }
done
[ -z "$baseline" ] || [ -x "$baseline/fdnix-search" ] \
  || { echo "no $baseline/fdnix-search (FDNIX_BASELINE_BUILDDIR)" >&2; exit 2; }
for t in /usr/bin/time python3; do
  command -v "$t" >/dev/null || { echo "$t is needed" >&2; exit 2; }
done

. "$srcdir/bench/offline-snapshot.sh"
: >"$cache/bench-many.txt"
for _ in $(seq "$repeat"); do cat "$cache/queries.txt" >>"$cache/bench-many.txt"; done

: >"$cache/bench-runs.jsonl"
measure () {
  label=$1 search=$2/fdnix-search
  /usr/bin/time -f '%e %M' -o "$cache/bench-time" "$search" --json --queries "$cache/bench-many.txt" \
    --summary-json "$cache/bench-summary.json" --log-format=json >/dev/null 2>"$cache/bench-search.log" \
    || { tail -3 "$cache/bench-search.log" >&2; exit 1; }
  /usr/bin/time -f '%e %M' -o "$cache/bench-time-one" "$search" --json rg >/dev/null 2>&1
  python3 - "$label" "$cache/bench-summary.json" "$cache/bench-time" "$cache/bench-time-one" \
    >>"$cache/bench-runs.jsonl" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))
wall, rss = open(sys.argv[3]).read().split()
one_wall, one_rss = open(sys.argv[4]).read().split()
p99 = s["latency_us"].get("query_p99")
print(json.dumps({"build": sys.argv[1], "packages": s["counts"]["packages"], "vectors": s["counts"]["vectors"],
                  "files": s["counts"]["files"], "queries": s["counts"]["queries"],
                  "from_bundle": s["counts"].get("from_bundle", 0),
                  "load_s": s["latency_us"]["load"] / 1e6,
                  "query_ms_median": s["latency_us"]["query_median"] / 1e3,
                  "query_ms_p90": s["latency_us"]["query_p90"] / 1e3,
                  "query_ms_p99": p99 / 1e3 if p99 is not None else None,
                  "query_ms_max": s["latency_us"]["query_max"] / 1e3,
                  "index_mb": s["memory_kb"]["index"] / 1024,
                  "peak_rss_after_load_mb": s["memory_kb"]["peak_rss_after_load"] / 1024,
                  "peak_rss_mb": int(rss) / 1024, "one_shot_s": float(one_wall),
                  "one_shot_peak_rss_mb": int(one_rss) / 1024}))
PY
}
for i in $(seq "$runs"); do
  [ -z "$baseline" ] || measure before "$baseline"
  measure after "$builddir"
done
python3 - "$cache/bench-runs.jsonl" "$runs" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
builds = [b for b in ("before", "after") if any(r["build"] == b for r in rows)]
def med(build, k):
    values = [r[k] for r in rows if r["build"] == build and r[k] is not None]
    return round(statistics.median(values), 3) if values else None
for build in builds:
    first = next(r for r in rows if r["build"] == build)
    base = {"bench": "search", "embedder": "offline", "runs": int(sys.argv[2]), "packages": first["packages"],
            "vectors": first["vectors"], "files": first["files"], "from_bundle": first["from_bundle"]}
    if len(builds) > 1:
        base["build"] = build
    print(json.dumps(dict(base, phase="load", load_s=med(build, "load_s"), index_mb=med(build, "index_mb"),
                          peak_rss_after_load_mb=med(build, "peak_rss_after_load_mb"))))
    print(json.dumps(dict(base, phase="queries", queries=first["queries"],
                          query_ms_median=med(build, "query_ms_median"), query_ms_p90=med(build, "query_ms_p90"),
                          query_ms_p99=med(build, "query_ms_p99"), query_ms_max=med(build, "query_ms_max"),
                          peak_rss_mb=med(build, "peak_rss_mb"))))
    print(json.dumps(dict(base, phase="one-shot", query="rg", wall_s=med(build, "one_shot_s"),
                          peak_rss_mb=med(build, "one_shot_peak_rss_mb"))))
if len(builds) > 1:
    print("%-24s %10s %10s" % ("(medians of %s runs)" % sys.argv[2], "before", "after"))
    for k in ("load_s", "query_ms_median", "query_ms_p90", "query_ms_p99", "query_ms_max",
              "peak_rss_after_load_mb", "peak_rss_mb", "one_shot_s"):
        cells = [med(b, k) for b in builds]
        print("%-24s %10s %10s" % (k, *("-" if c is None else "%.3f" % c for c in cells)))
PY
