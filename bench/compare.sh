#!/bin/bash
# bench/compare.sh: two builds side by side in one run, for "no regression
# beyond noise" claims on a noisy machine.
#
# Runs each named benchmark (metadata, embed, search) ROUNDS times (default
# 3), alternating the two builds within every round so that both see the same
# load, with RUNS=1 inside the benchmark; then prints, for every figure the
# benchmark prints, the median of each build and the ratio new / base.
#
# Usage: bench/compare.sh BASE_BUILDDIR NEW_BUILDDIR BENCH... [-- CORPUS]
#   e.g. bench/compare.sh /tmp/base . metadata search -- ../shared/data
# Environment: ROUNDS, and whatever the benchmarks read (PARTS for embed.sh,
# REPEAT for search.sh, ...).  Each build gets its own search cache.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
base=$(cd "${1:?usage: $0 BASE_BUILDDIR NEW_BUILDDIR BENCH... [-- CORPUS]}" && pwd)
new=$(cd "${2:?usage: $0 BASE_BUILDDIR NEW_BUILDDIR BENCH... [-- CORPUS]}" && pwd)
shift 2
benches=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do benches+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
corpus=${1:-${FDNIX_CORPUS:-}}
[ ${#benches[@]} -gt 0 ] || { echo "no benchmark named (metadata, embed, search)" >&2; exit 2; }
for b in "${benches[@]}"; do
  [ -x "$here/$b.sh" ] || { echo "no benchmark bench/$b.sh" >&2; exit 2; }
done
rounds=${ROUNDS:-3}

work=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT

for round in $(seq "$rounds"); do
  for b in "${benches[@]}"; do
    for side in base new; do
      dir=$base; [ "$side" = new ] && dir=$new
      echo "# round $round/$rounds: $b on $side ($dir)" >&2
      FDNIX_BUILDDIR=$dir RUNS=1 FDNIX_BENCH_CACHE="$work/cache-$side" \
        "$here/$b.sh" ${corpus:+"$corpus"} 2>"$work/$b-$side-$round.err" \
        | sed -n '/^{/p' >"$work/$b-$side-$round.jsonl" \
        || { echo "bench/$b.sh failed on $side:" >&2; tail -20 "$work/$b-$side-$round.err" >&2; exit 1; }
    done
  done
done

python3 - "$work" "$base" "$new" <<'EOF'
import glob, json, os, statistics, sys

work, base, new = sys.argv[1:4]
figures = {}   # (bench, identity) -> field -> side -> [values]
order = []
for path in sorted(glob.glob(os.path.join(work, "*.jsonl"))):
    bench, side, _ = os.path.basename(path)[:-6].rsplit("-", 2)
    for line in open(path):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        # what names the figure: every field that is not a number
        ident = tuple(sorted((k, str(v)) for k, v in row.items()
                             if not isinstance(v, (int, float)) or isinstance(v, bool)))
        key = (bench, ident)
        if key not in figures:
            figures[key] = {}
            order.append(key)
        for k, v in row.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                figures[key].setdefault(k, {}).setdefault(side, []).append(v)

print("# base: %s\n# new:  %s\n# medians over the rounds; ratio = new / base" % (base, new))
print("%-60s %-14s %12s %12s %7s" % ("figure", "field", "base", "new", "ratio"))
for key in order:
    bench, ident = key
    name = bench + " " + " ".join("%s=%s" % (k, v) for k, v in ident if k != "bench")
    for field, sides in figures[key].items():
        b = statistics.median(sides["base"]) if sides.get("base") else None
        n = statistics.median(sides["new"]) if sides.get("new") else None
        ratio = "%.2f" % (n / b) if b and n is not None else "-"
        fmt = lambda x: "-" if x is None else ("%g" % x)
        print("%-60s %-14s %12s %12s %7s" % (name[:60], field, fmt(b), fmt(n), ratio))
EOF
