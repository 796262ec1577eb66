#!/bin/bash
# fdnix-embed on the embedded defaults (SQLite, directory, offline embedder):
# usage errors, a first run, a rerun that writes nothing, an incremental run
# after changes (exactly the changed texts embedded, versions reused), and
# clear failures.
. "$(dirname "$0")/lib.sh"

# GLib refuses /dev/null as a key file; an empty file is the same thing
: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
[ -x "$embed_tool" ] || fail "tests/embed-tool is not built"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"

# --- usage errors: exit 2 with a hint, nothing written
for args in "--shard 4/4" "--shard x" "--shard 1/4 --index-only" "--embedder nope" \
            "--vectors-per-file 0" "--concurrency -1" "extra-argument" "--dimension 8"; do
  # shellcheck disable=SC2086
  fdnix-embed $args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  check "[ $status -eq 2 ]" "fdnix-embed $args: exit $status, not 2 ($(cat "$TEST_TMP/err"))"
  grep -q "Try 'fdnix-embed --help'" "$TEST_TMP/err" || fail "fdnix-embed $args: no --help hint"
done
check "[ ! -e '$FDNIX_DATA_DIR/vector-index' ]" "a usage error wrote something"
fdnix-embed --help | grep -q -- "--index-only" || fail "--help lists no --index-only"
fdnix-embed --version | grep -q "^fdnix-embed (fdnix) " || fail "--version"

# --- first run: every package
python3 "$records" 600 >"$TEST_TMP/r1.jsonl"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "loading the fixture"
fdnix-embed --vectors-per-file 100 --summary-json "$TEST_TMP/s1.json" --log-format=json 2>"$TEST_TMP/log1" \
  || fail "first run: $(cat "$TEST_TMP/log1")"
check "[ \"\$(jq .counts.embedded $TEST_TMP/s1.json)\" = 600 ]" "first run did not embed 600"
check "[ \"\$(jq .counts.files_written $TEST_TMP/s1.json)\" = 6 ]" "first run: not 6 files"
check "[ \"\$(jq -r .status $TEST_TMP/s1.json)\" = ok ]" "first run status"
"$embed_tool" verify >"$TEST_TMP/v1.json" || fail "first snapshot inconsistent"
# the index is the documented format
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -e '
  .version == 1 and .total_vectors == 600 and .vector_dimension == 256 and
  (.batch_files | length) == 6 and (.metadata.model | startswith("fdnix-offline-v1-d256-")) and
  all(.batch_files[]; (.key | test("^vectors/batch_[0-9]{8}T[0-9]{6}Z-[0-9a-f]{12}_[0-9]{5}[.]json[.]gz$"))
      and .vector_count == 100 and .dimension == 256 and (.sha256 | length) == 64)' >/dev/null \
  || fail "index format"
first=$(zcat "$FDNIX_DATA_DIR"/vectors/batch_*_00000.json.gz)
echo "$first" | jq -e '.count == 100 and .dimension == 256 and (.vectors | length) == 100 and
  all(.vectors[]; (.id == .metadata.packageName + "#" + .metadata.version) and (.vector | length) == 256)' \
  >/dev/null || fail "batch file format"
# sha256 and size in the index are the stored file's
key=$(zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r '.batch_files[0].key')
sha=$(zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r '.batch_files[0].sha256')
check "[ \"\$(sha256sum < '$FDNIX_DATA_DIR/$key' | cut -d' ' -f1)\" = '$sha' ]" "index sha256 differs from the file's"
# logs are JSON lines when stderr is not a terminal
jq -e -s 'length > 0 and all(.[]; .program == "fdnix-embed")' "$TEST_TMP/log1" >/dev/null || fail "log lines"

# --- a rerun writes nothing
before=$(ls -l --time-style=full-iso "$FDNIX_DATA_DIR/vector-index" "$FDNIX_DATA_DIR/vectors")
fdnix-embed --vectors-per-file 100 --summary-json "$TEST_TMP/s2.json" 2>/dev/null || fail "second run"
jq -e '.counts.embedded == 0 and .counts.files_written == 0 and .counts.index_written == 0 and
       .counts.files_deleted == 0' "$TEST_TMP/s2.json" >/dev/null || fail "second run wrote: $(jq -c .counts "$TEST_TMP/s2.json")"
after=$(ls -l --time-style=full-iso "$FDNIX_DATA_DIR/vector-index" "$FDNIX_DATA_DIR/vectors")
check "[ \"\$before\" = \"\$after\" ]" "second run touched files"

# --- changes: 25 texts, 30 versions alone, 40 removed, 10 added
python3 "$records" 600 --text-changed 10:35 --version-changed 200:230 --removed 300:340 --added 10 \
  >"$TEST_TMP/r2.jsonl"
"$embed_tool" load "$TEST_TMP/r2.jsonl" >/dev/null || fail "loading the changed fixture"
fdnix-embed --vectors-per-file 100 --summary-json "$TEST_TMP/s3.json" 2>/dev/null || fail "third run"
jq -e '.counts.embedded == 35 and .counts.files_compacted > 0 and .counts.index_written == 1' \
  "$TEST_TMP/s3.json" >/dev/null || fail "third run: $(jq -c .counts "$TEST_TMP/s3.json")"
"$embed_tool" verify >"$TEST_TMP/v3.json" || fail "snapshot after changes inconsistent"
jq -e '.records == 570 and .vectors == 570' "$TEST_TMP/v3.json" >/dev/null || fail "$(cat "$TEST_TMP/v3.json")"
# version-only changes kept their vectors under the new id
# (the files the index lists: those it dropped stay a while for its readers)
listed_ids () {
  zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r '.batch_files[].key' \
    | while read -r key; do zcat "$FDNIX_DATA_DIR/$key"; done | jq -r '.vectors[].id'
}
listed_ids | grep -q '^pkg00200#1\.4\.2\.1$' || fail "pkg00200's new id is missing"
listed_ids | grep -q '^pkg00301#' && fail "a removed package is still in the vector files"

# --- failures are one clear error line and exit 1
FDNIX_IDF_FILE="$TEST_TMP/missing.tsv.gz" fdnix-embed --log-format=text 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "missing weights: exit $status"
grep -q "error: offline embedder data .*missing.tsv.gz" "$TEST_TMP/err" || fail "missing weights: $(cat "$TEST_TMP/err")"
exit 0
