#!/bin/bash
# bench/relevance/relevance.sh: how well fdnix-search finds what people
# look for.  Builds (or brings up to date) the package table and vectors of
# a corpus under a cache directory, answers every query of queries.tsv, and
# prints recall@10, hit@1, hit@10 and MRR for the held-out and the tuning
# half side by side, per query kind and overall, and how many exact-name
# queries come first (score.py explains them).  A benchmark, not a test: it
# asserts nothing about the figures, but it fails (exit 1) when
# check-queries.py finds an accepted attribute path that is not in the
# corpus, since the figures would then lie.
#
# Usage: bench/relevance/relevance.sh [--corpus FILE] [--cache DIR] [--misses]
#          [--openai-url URL [--openai-model NAME]]
#   --corpus        nix-env JSON (default: $FDNIX_CORPUS)
#   --cache         where tables and vectors are kept between runs (default:
#                   $FDNIX_BENCH_CACHE, else ${TMPDIR:-/tmp}/fdnix-bench-search);
#                   a rerun on the same corpus embeds nothing
#   --misses        also list the queries whose first result is not accepted
#   --openai-url    also measure an OpenAI-compatible server (Ollama,
#                   llama.cpp, vLLM, TEI; also $OPENAI_BASE_URL, with
#                   $FDNIX_OPENAI_MODEL and $OPENAI_API_KEY): the whole corpus
#                   is embedded through it once, into its own cache
# Progress lines are JSON; the figures are a Markdown table (JSON lines of
# them are kept in the cache directory, as LABEL-scores.jsonl).
# Needs: a built tree (FDNIX_BUILDDIR or ./), python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir=${FDNIX_BUILDDIR:-$(pwd)}
corpus=${FDNIX_CORPUS:-}
cache=${FDNIX_BENCH_CACHE:-${TMPDIR:-/tmp}/fdnix-bench-search}
openai_url=${OPENAI_BASE_URL:-}
openai_model=${FDNIX_OPENAI_MODEL:-}
misses=""
while [ $# -gt 0 ]; do
  case $1 in
    --corpus) corpus=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --misses) misses=--misses; shift ;;
    --openai-url) openai_url=$2; shift 2 ;;
    --openai-model) openai_model=$2; shift 2 ;;
    *) echo "usage: $0 [--corpus FILE] [--cache DIR] [--misses] [--openai-url URL [--openai-model NAME]]" >&2; exit 2 ;;
  esac
done
[ -n "$corpus" ] || { echo "no corpus: set FDNIX_CORPUS or give --corpus" >&2; exit 2; }
[ -d "$corpus" ] && corpus=$corpus/nixpkgs-packages.json.gz
[ -f "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
for p in fdnix-metadata fdnix-embed fdnix-search; do
  [ -x "$builddir/$p" ] || { echo "no $builddir/$p (set FDNIX_BUILDDIR)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

mkdir -p "$cache"
: >"$cache/empty.conf"
export FDNIX_CONFIG="$cache/empty.conf"
export FDNIX_IDF_FILE=${FDNIX_IDF_FILE:-$srcdir/data/fdnix-offline-idf.tsv.gz}
unset S3_BUCKET BEDROCK_MODEL_ID DYNAMODB_TABLE AWS_ENDPOINT_URL FDNIX_EMBEDDER 2>/dev/null || true
queries="$here/queries.tsv"
grep -v '^#' "$queries" | grep -v '^$' | cut -f3 >"$cache/queries.txt"

# every accepted path is an attribute of the corpus (else the figures lie);
# also lists the exact-name queries for score.py
python3 "$here/check-queries.py" "$queries" "$corpus" --exact-out "$cache/exact-names.txt"

# prepare NAME ARGS...: the table and vectors of the corpus in $cache/NAME
prepare () {
  name=$1; shift
  export FDNIX_DATA_DIR="$cache/$name"
  start=$(date +%s.%N)
  "$builddir/fdnix-metadata" --input "$corpus" --log-format=json 2>"$cache/$name-metadata.log" \
    || { tail -3 "$cache/$name-metadata.log" >&2; return 1; }
  "$builddir/fdnix-embed" "$@" --log-format=json --summary-json "$cache/$name-embed.json" \
    2>"$cache/$name-embed.log" || { tail -3 "$cache/$name-embed.log" >&2; return 1; }
  printf '{"bench":"search-relevance","embedder":"%s","prepared_s":%.1f,"embedded_now":%s}\n' \
    "$name" "$(echo "$(date +%s.%N) - $start" | bc)" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"].get("embedded", 0))' "$cache/$name-embed.json")"
}

# every accepted attribute path reached the table (one that fdnix-metadata
# dropped can never be found: worth knowing, but a search fault, not a
# benchmark one)
check_accepted () {
  python3 - "$queries" "$FDNIX_DATA_DIR/fdnix.sqlite" <<'PY'
import sqlite3, sys
names = {r[0] for r in sqlite3.connect(sys.argv[2]).execute("SELECT packageName FROM packages")}
n = missing = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    n += 1
    for path in line.rstrip("\n").split("\t")[3].split():
        if path not in names:
            missing += 1
            print(f"warning: accepted path {path} is not in the table", file=sys.stderr)
print(f'{{"bench":"search-relevance","queries":{n},"accepted_paths_not_in_table":{missing}}}')
PY
}

# measure LABEL ARGS...: run the queries and print the figures
measure () {
  label=$1; shift
  "$builddir/fdnix-search" "$@" --json --limit 10 --queries "$cache/queries.txt" \
    --summary-json "$cache/$label-search.json" --log-format=json >"$cache/$label-results.jsonl" \
    2>"$cache/$label-search.log" || { tail -3 "$cache/$label-search.log" >&2; return 1; }
  python3 "$here/score.py" "$queries" "$cache/$label-results.jsonl" --label "$label" \
    --exact "$cache/exact-names.txt" --json $misses >"$cache/$label-scores.jsonl"
  python3 "$here/score.py" "$queries" "$cache/$label-results.jsonl" --label "$label" \
    --exact "$cache/exact-names.txt" $misses
}

prepare offline
check_accepted
measure offline

if [ -n "$openai_url" ]; then
  args=(--embedder openai --openai-url "$openai_url")
  [ -n "$openai_model" ] && args+=(--openai-model "$openai_model")
  label="openai${openai_model:+:$openai_model}"
  dir="openai-$(printf '%s' "${openai_model:-default}" | tr -c 'A-Za-z0-9._-' '_')"
  if prepare "$dir" "${args[@]}"; then
    measure "$label" "${args[@]}"
  else
    printf '{"bench":"search-relevance","embedder":"%s","skipped":"embedding through %s failed (see %s)"}\n' \
      "$label" "$openai_url" "$cache/$dir-embed.log"
  fi
else
  echo '{"bench":"search-relevance","embedder":"openai","skipped":"no OpenAI-compatible server given (--openai-url or OPENAI_BASE_URL)"}'
fi
