#!/bin/bash
# bench/metadata.sh: fdnix-metadata against jq on the real corpus.
#
# Prints JSON lines: wall, CPU (user+sys) and peak RSS of
#   - jq -c 'to_entries[]'              (the reference: a streaming-unaware parse)
#   - fdnix-metadata --output /dev/null (parse + normalize + hash + JSON lines)
#   - fdnix-metadata into a fresh SQLite store (the whole first load)
#   - fdnix-metadata rerun on that store (incremental: writes nothing)
# each run RUNS times interleaved, medians reported, plus the ratios; then
# fdnix-metadata's peak RSS at 1/8, 1/2, 1x and 2x the corpus.
#
# Usage: bench/metadata.sh [CORPUS.json.gz]   (default: $FDNIX_CORPUS)
# Needs: a built tree (FDNIX_BUILDDIR or ./), jq, python3, GNU time.
set -eu
corpus=${1:-${FDNIX_CORPUS:-../shared/data/nixpkgs-packages.json.gz}}
runs=${RUNS:-3}
builddir=${FDNIX_BUILDDIR:-$(pwd)}
prog="$builddir/fdnix-metadata"
[ -x "$prog" ] || { echo "no fdnix-metadata in $builddir (set FDNIX_BUILDDIR)" >&2; exit 2; }
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
for tool in jq python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export FDNIX_CONFIG=/dev/null XDG_DATA_HOME="$work/data"

plain="$work/corpus.json"
case $corpus in *.gz) gzip -dc "$corpus" > "$plain" ;; *) cp "$corpus" "$plain" ;; esac
packages=$(python3 - "$plain" <<'PY'
import json, sys
print(len(json.load(open(sys.argv[1]))))
PY
)

# measure NAME CMD...: appends "wall cpu rss_kb" to $work/NAME
measure () {
  name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" \
    || { cat "$work/stderr" >&2; echo "failed: $*" >&2; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >> "$work/$name"
}

median () { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med () { awk -v c="$2" '{ print $c }' "$work/$1" | median; }

for i in $(seq "$runs"); do
  measure jq jq -c 'to_entries[]' "$plain"
  measure jsonl "$prog" --input "$plain" --output /dev/null --log-format=json
  rm -f "$work/db.sqlite"*
  measure sqlite "$prog" --input "$plain" --database "$work/db.sqlite" --log-format=json
  measure rerun "$prog" --input "$plain" --database "$work/db.sqlite" --log-format=json
done

for name in jq jsonl sqlite rerun; do
  printf '{"bench":"metadata","case":"%s","packages":%s,"runs":%s,"wall_s":%s,"cpu_s":%s,"peak_rss_mb":%.1f}\n' \
    "$name" "$packages" "$runs" "$(med $name 1)" "$(med $name 2)" "$(echo "$(med $name 3) / 1024" | bc -l)"
done
jq_cpu=$(med jq 2)
for name in jsonl sqlite; do
  printf '{"bench":"metadata","ratio":"cpu_%s_over_jq","value":%.3f,"target":"<= 0.5"}\n' \
    "$name" "$(echo "$(med $name 2) / $jq_cpu" | bc -l)"
done

# Peak RSS against input size: slices of the corpus, and 2x by renaming keys.
python3 - "$plain" "$work" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
items = list(data.items())
n = len(items)
for label, part in (("eighth", items[: n // 8]), ("half", items[: n // 2])):
    json.dump(dict(part), open(f"{sys.argv[2]}/{label}.json", "w"))
double = dict(items)
double.update((k + "-copy", v) for k, v in items)
json.dump(double, open(f"{sys.argv[2]}/double.json", "w"))
PY
cp "$plain" "$work/full.json"
for size in eighth half full double; do
  for i in $(seq "$runs"); do
    rm -f "$work/db.sqlite"*
    measure "rss-$size" "$prog" --input "$work/$size.json" --database "$work/db.sqlite" --log-format=json
  done
  printf '{"bench":"metadata","case":"rss_by_size","size":"%s","bytes":%s,"wall_s":%s,"peak_rss_mb":%.1f}\n' \
    "$size" "$(stat -c %s "$work/$size.json")" "$(med "rss-$size" 1)" "$(echo "$(med "rss-$size" 3) / 1024" | bc -l)"
done
