#!/bin/bash
# Readers never see a half-published snapshot (issue 13): fdnix-search runs
# in a loop while fdnix-metadata changes the table and fdnix-embed publishes
# several incremental runs (texts changed, packages removed and added, small
# files so that every run compacts and supersedes files).  Every search must
# succeed: a search that loaded an index must find every file it lists,
# however the runs interleave with its load.  Then a run after the grace
# period deletes the superseded files, and the snapshot verifies.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"
runs=${FDNIX_CONCURRENT_RUNS:-12}
embed_args="--vectors-per-file 20 --log-format=json"

# The fixture's 45 real packages and 1500 made-up ones (a load long enough
# for runs to publish while it reads); variant N: every package but
# ripgrep may change its text, some vanish, some are added
words="audio video editor terminal file manager backup compression network tool library \
  python rust haskell server client database graphics font theme plugin shell"
python3 - "$fixture" "$TEST_TMP" "$runs" "$words" <<'EOF'
import json, random, sys
fixture, out, runs, words = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
packages = json.load(open(fixture))
rng = random.Random(0)
for i in range(1500):
    name = "made-up-%04d" % i
    packages[name] = {"name": name + "-1.0", "pname": name, "version": "1.0",
                      "meta": {"description": " ".join(rng.choice(words) for _ in range(6)),
                               "available": True}}
json.dump(packages, open("%s/variant-0.json" % out, "w"))
for n in range(1, runs + 1):
    rng = random.Random(n)
    variant = {}
    for name, package in packages.items():
        package = json.loads(json.dumps(package))
        if name != "ripgrep" and rng.random() < 0.1:
            continue
        if name != "ripgrep" and rng.random() < 0.2:
            meta = package.setdefault("meta", {})
            meta["description"] = "%s (run %d)" % (meta.get("description", ""), n)
        variant[name] = package
        if rng.random() < 0.05:
            variant["%s-copy%d" % (name, n)] = json.loads(json.dumps(package))
    json.dump(variant, open("%s/variant-%d.json" % (out, n), "w"))
EOF

fdnix-metadata --input "$TEST_TMP/variant-0.json" --min-packages 1 --log-format=json 2>"$TEST_TMP/meta-0.log" \
  || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta-0.log")"
# shellcheck disable=SC2086
fdnix-embed $embed_args 2>"$TEST_TMP/embed-0.log" || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed-0.log")"

# the reader: searches until told to stop; counts and keeps every failure
: >"$TEST_TMP/failures"
searcher () {
  total=0 failed=0
  while [ ! -e "$TEST_TMP/stop" ]; do
    total=$((total + 1))
    if ! fdnix-search --json --limit 3 rg >/dev/null 2>"$TEST_TMP/search.err"; then
      failed=$((failed + 1))
      { echo "--- search $total"; cat "$TEST_TMP/search.err"; } >>"$TEST_TMP/failures"
    fi
  done
  echo "$total $failed" >"$TEST_TMP/searches"
}
searcher &
searcher_pid=$!
SERVER_PIDS="$SERVER_PIDS $searcher_pid"   # stopped on exit whatever happens

published=0
for n in $(seq 1 "$runs"); do
  fdnix-metadata --input "$TEST_TMP/variant-$n.json" --min-packages 1 --min-ratio 0.5 \
    --log-format=json 2>"$TEST_TMP/meta-$n.log" \
    || fail "fdnix-metadata, variant $n: $(tail -3 "$TEST_TMP/meta-$n.log")"
  # shellcheck disable=SC2086
  fdnix-embed $embed_args --summary-json "$TEST_TMP/embed-$n.json" 2>"$TEST_TMP/embed-$n.log" \
    || fail "fdnix-embed, run $n: $(tail -3 "$TEST_TMP/embed-$n.log")"
  written=$(jq -r .counts.index_written "$TEST_TMP/embed-$n.json")
  published=$((published + written))
done
touch "$TEST_TMP/stop"
wait "$searcher_pid"
read -r total failed <"$TEST_TMP/searches"
echo "# $published indexes published during $total searches, $failed failed" >&2
check "[ $published -eq $runs ]" "only $published of $runs runs published an index"
check "[ $total -ge 10 ]" "only $total searches ran: the test proves nothing"
check "[ $failed -eq 0 ]" "$failed of $total searches failed: $(head -c 3000 "$TEST_TMP/failures")"

# the files the last runs superseded are still there, named in the index
"$embed_tool" verify >"$TEST_TMP/verify.json" 2>"$TEST_TMP/verify.err" \
  || fail "snapshot: $(head -5 "$TEST_TMP/verify.err")"
kept=$(jq -r .superseded "$TEST_TMP/verify.json")
check "[ $kept -gt 0 ]" "no superseded file was kept: $(cat "$TEST_TMP/verify.json")"
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" \
  | jq -e '[.superseded_files[].key] - [.batch_files[].key] | length > 0' >/dev/null \
  || fail "the index names no superseded files"
# a run once the grace has passed deletes them (and changes nothing else)
sleep 1
# shellcheck disable=SC2086
fdnix-embed $embed_args --keep-superseded 1 --summary-json "$TEST_TMP/late.json" 2>"$TEST_TMP/late.log" \
  || fail "the late run: $(tail -3 "$TEST_TMP/late.log")"
jq -e ".counts.embedded == 0 and .counts.files_deleted == $kept" "$TEST_TMP/late.json" >/dev/null \
  || fail "the late run: $(jq -c .counts "$TEST_TMP/late.json"), $kept superseded files"
"$embed_tool" verify >"$TEST_TMP/verify2.json" 2>"$TEST_TMP/verify2.err" \
  || fail "snapshot after the late run: $(head -5 "$TEST_TMP/verify2.err")"
jq -e '.superseded == 0' "$TEST_TMP/verify2.json" >/dev/null || fail "$(cat "$TEST_TMP/verify2.json")"
exit 0
