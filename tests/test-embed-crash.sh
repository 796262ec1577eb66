#!/bin/bash
# Kill -9 at random moments and at every named step between a durable write
# and what points to it, then rerun: the store, the vector files, the search
# bundle and the index must end exactly as after one clean run (same ids,
# same vectors, same record states; no file left unlisted, no temporary left
# over).
#
# Two starting states: a fresh table (the first, full run) and a table with
# changes after a complete run (embedding, compaction, deletion).
# FDNIX_CRASH_SEED makes the random moments repeatable.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"
seed=${FDNIX_CRASH_SEED:-$$}
RANDOM=$seed
echo "# random seed $seed (FDNIX_CRASH_SEED)" >&2
# small files and batches: many steps to be killed between
embed_args="--vectors-per-file 60 --batch-size 8 --concurrency 2 --log-format=json"

python3 "$records" 1200 >"$TEST_TMP/r1.jsonl"
python3 "$records" 1200 --text-changed 100:220 --version-changed 400:480 --removed 600:700 \
  --added 40 >"$TEST_TMP/r2.jsonl"

# start states
export FDNIX_DATA_DIR="$TEST_TMP/fresh"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load r1"
cp -a "$TEST_TMP/fresh" "$TEST_TMP/changed"
export FDNIX_DATA_DIR="$TEST_TMP/changed"
# shellcheck disable=SC2086
fdnix-embed $embed_args 2>/dev/null || fail "embedding r1"
"$embed_tool" load "$TEST_TMP/r2.jsonl" >/dev/null || fail "load r2"

# the reference: one clean run from each start state
reference () {
  rm -rf "$TEST_TMP/ref-$1"
  cp -a "$TEST_TMP/$1" "$TEST_TMP/ref-$1"
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  FDNIX_DATA_DIR="$TEST_TMP/ref-$1" fdnix-embed $embed_args 2>"$TEST_TMP/ref-$1.log" \
    || fail "clean run from $1: $(tail -3 "$TEST_TMP/ref-$1.log")"
  echo $(( ($(date +%s%N) - start) / 1000000 )) >"$TEST_TMP/ref-$1.ms"
  FDNIX_DATA_DIR="$TEST_TMP/ref-$1" "$embed_tool" verify --no-vectors >"$TEST_TMP/ref-$1.json" \
    || fail "clean run from $1 is inconsistent"
}
reference fresh
reference changed

# after a kill: rerun until it completes (a rerun may be killed too), then compare
converge_and_compare () {
  state=$1 dir=$2 what=$3
  # shellcheck disable=SC2086
  FDNIX_DATA_DIR="$dir" fdnix-embed $embed_args 2>"$dir.rerun.log" \
    || fail "$what: the rerun failed: $(tail -3 "$dir.rerun.log")"
  FDNIX_DATA_DIR="$dir" "$embed_tool" verify >"$dir.json" 2>"$dir.problems" \
    || fail "$what: inconsistent after the rerun: $(head -5 "$dir.problems")"
  for digest in snapshot_digest store_digest; do
    a=$(jq -r .$digest "$TEST_TMP/ref-$state.json")
    b=$(jq -r .$digest "$dir.json")
    check "[ '$a' = '$b' ]" "$what: $digest differs from a clean run's"
  done
  leftovers=$(find "$dir" -name '.*.tmp-*' | wc -l)
  check "[ $leftovers -eq 0 ]" "$what: $leftovers temporary file(s) left"
}

# --- kill -9 at random moments, until 12 runs were really killed
kills=0
tries=0
for state in fresh changed; do
  eval "span_$state=$(cat "$TEST_TMP/ref-$state.ms")"
done
while [ $kills -lt 12 ]; do
  tries=$((tries + 1))
  [ $tries -le 60 ] || fail "only $kills of $tries runs could be killed before they finished"
  state=$([ $((tries % 2)) -eq 0 ] && echo fresh || echo changed)
  eval "span=\$span_$state"
  dir="$TEST_TMP/kill-$tries"
  cp -a "$TEST_TMP/$state" "$dir"
  delay=$(( RANDOM % (span + 1) ))
  # shellcheck disable=SC2086
  FDNIX_DATA_DIR="$dir" fdnix-embed $embed_args 2>"$dir.killed.log" &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    echo "# $state: killed after ${delay} ms" >&2
    converge_and_compare "$state" "$dir" "kill after ${delay} ms ($state)"
    kills=$((kills + 1))
  else
    # it was faster than that: aim earlier next time
    wait "$pid" 2>/dev/null
    eval "span_$state=$delay"
  fi
  rm -rf "$dir" "$dir".*
done

# --- kill at each step between a write and what depends on it
points="after-put:1 after-put:5 after-mark:2 between-marks:1 compact-read:1 compact-read:3 bundle-written:1 index-written:1 mid-cleanup:1 mid-cleanup:3"
for point in $points; do
  for state in fresh changed; do
    case "$point:$state" in
      compact-read*:fresh|mid-cleanup*:fresh) continue ;;  # nothing to compact or delete there
    esac
    dir="$TEST_TMP/point-$point-$state"
    cp -a "$TEST_TMP/$state" "$dir"
    args=$embed_args
    [ "${point%%:*}" = between-marks ] && args="$args --vectors-per-file 300"
    # superseded files wait out their grace (default 900 s): without one,
    # this run deletes them, and can be killed while it does
    [ "${point%%:*}" = mid-cleanup ] && args="$args --keep-superseded 0"
    # (the inner shell reports the kill, not us)
    # shellcheck disable=SC2086
    status=$( (FDNIX_CRASH_AT=$point FDNIX_DATA_DIR="$dir" fdnix-embed $args 2>"$dir.killed.log"; echo $?) 2>/dev/null)
    check "[ $status -eq 137 ]" "FDNIX_CRASH_AT=$point ($state): exit $status, the point was not reached"
    converge_and_compare "$state" "$dir" "killed at $point ($state)"
    rm -rf "$dir" "$dir".*
    kills=$((kills + 1))
  done
done
echo "# $kills kills, every rerun converged to the clean run's state" >&2
exit 0
