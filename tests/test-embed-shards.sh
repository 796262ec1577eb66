#!/bin/bash
# --shard K/N for N=4 running at the same time on one table, then
# --index-only: the union equals one single run (same ids, same vectors,
# same record states), no package is embedded twice, and no shard writes
# an index.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"
args="--vectors-per-file 100 --batch-size 16 --log-format=json"

python3 "$records" 2000 >"$TEST_TMP/r1.jsonl"
export FDNIX_DATA_DIR="$TEST_TMP/start"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load"
cp -a "$TEST_TMP/start" "$TEST_TMP/single"
cp -a "$TEST_TMP/start" "$TEST_TMP/sharded"

# shellcheck disable=SC2086
FDNIX_DATA_DIR="$TEST_TMP/single" fdnix-embed $args 2>"$TEST_TMP/single.log" || fail "single run"
FDNIX_DATA_DIR="$TEST_TMP/single" "$embed_tool" verify >"$TEST_TMP/single.json" || fail "single run inconsistent"

export FDNIX_DATA_DIR="$TEST_TMP/sharded"
pids=""
for k in 0 1 2 3; do
  # shellcheck disable=SC2086
  fdnix-embed $args --shard $k/4 --summary-json "$TEST_TMP/shard$k.json" 2>"$TEST_TMP/shard$k.log" &
  pids="$pids $!"
done
for pid in $pids; do
  wait "$pid" || fail "a shard failed: $(cat "$TEST_TMP"/shard*.log | grep -i error | head -3)"
done
total=0
for k in 0 1 2 3; do
  n=$(jq .counts.embedded "$TEST_TMP/shard$k.json")
  check "[ $n -gt 300 ] && [ $n -lt 700 ]" "shard $k embedded $n of 2000"
  check "[ \"\$(jq .counts.index_written $TEST_TMP/shard$k.json)\" = 0 ]" "shard $k wrote an index"
  grep -q "s${k}of4_" <(ls "$FDNIX_DATA_DIR/vectors") || fail "shard $k's files are not named after it"
  total=$((total + n))
done
check "[ $total -eq 2000 ]" "the shards embedded $total packages, not 2000 exactly once each"
check "[ ! -e '$FDNIX_DATA_DIR/vector-index/index.json.gz' ]" "an index exists before the index step"

# shellcheck disable=SC2086
fdnix-embed $args --index-only --summary-json "$TEST_TMP/index.json" 2>"$TEST_TMP/index.log" \
  || fail "index step: $(tail -3 "$TEST_TMP/index.log")"
jq -e '.counts.embedded == 0 and .counts.index_written == 1' "$TEST_TMP/index.json" >/dev/null \
  || fail "index step: $(jq -c .counts "$TEST_TMP/index.json")"
"$embed_tool" verify >"$TEST_TMP/sharded.json" || fail "sharded snapshot inconsistent"
for digest in snapshot_digest store_digest; do
  check "[ \"\$(jq -r .$digest $TEST_TMP/single.json)\" = \"\$(jq -r .$digest $TEST_TMP/sharded.json)\" ]" \
    "$digest: the shards' union differs from a single run"
done
# the shards' partial last files were merged: about as many files as one run
files=$(jq .files "$TEST_TMP/sharded.json")
check "[ $files -le 21 ]" "$files files after merging (a single run writes 20)"

# a second round of shards finds nothing to do
for k in 0 1 2 3; do
  # shellcheck disable=SC2086
  fdnix-embed $args --shard $k/4 --summary-json "$TEST_TMP/again$k.json" 2>/dev/null || fail "shard $k again"
  check "[ \"\$(jq .counts.embedded $TEST_TMP/again$k.json)\" = 0 ]" "shard $k embedded again"
done
exit 0
