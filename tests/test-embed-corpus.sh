#!/bin/bash
# test-embed-corpus: fdnix-embed with the offline embedder over the real
# nixpkgs corpus (FDNIX_CORPUS: shared/data or its nixpkgs-packages.json.gz;
# skipped when unset).
#   1. the first run embeds every package; the snapshot checker loads the
#      index and every file and finds every live package exactly once, with
#      the vector of its current text, and nothing else;
#   2. a second run embeds 0 and writes nothing;
#   3. after the 1%-changed corpus (1% descriptions changed, 0.5% removed,
#      0.5% versions alone changed) is synced, exactly the changed
#      descriptions are embedded, the new versions keep their vectors under
#      their new ids, and the checker passes again.
# Peak RSS of each run is reported (bench/embed.sh measures its flatness).
. "${FDNIX_TESTS_SRCDIR:-$(dirname "$0")}/lib.sh"

if [ -z "${FDNIX_CORPUS:-}" ]; then
  # optional data, not a missing tool: a plain skip even in CI
  echo "SKIP: FDNIX_CORPUS is not set" >&2
  exit 77
fi
if [ -d "$FDNIX_CORPUS" ]; then
  packages=$FDNIX_CORPUS/nixpkgs-packages.json.gz
else
  packages=$FDNIX_CORPUS
fi
[ -f "$packages" ] || fail "no corpus at $packages"
need jq python3
: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
export FDNIX_DATA_DIR="$TEST_TMP/data"
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
dump="$FDNIX_BUILDDIR/tests/fdnix-ingest-dump"
variant="$FDNIX_TESTS_SRCDIR/corpus/make-variant.py"
[ -x "$embed_tool" ] || fail "$embed_tool is not built"

# Sync a nix-env document into the table: fdnix-metadata when it can read
# a file, else the same reader and sync engine through the test drivers.
sync_corpus () {
  if fdnix-metadata --help 2>/dev/null | grep -q -- '--input'; then
    fdnix-metadata --input "$1" --min-ratio 0.5 --log-format=json 2>"$TEST_TMP/metadata.log" \
      || fail "fdnix-metadata $1: $(tail -3 "$TEST_TMP/metadata.log")"
  else
    [ -x "$dump" ] || fail "neither fdnix-metadata --input nor $dump"
    "$dump" --records "$1" 2>/dev/null | grep -v '"cpu_s"' >"$TEST_TMP/records.jsonl" \
      || fail "reading $1"
    "$embed_tool" load "$TEST_TMP/records.jsonl" >/dev/null || fail "syncing $1"
    rm -f "$TEST_TMP/records.jsonl"
  fi
}

run_embed () {
  /usr/bin/time -f '%M' -o "$TEST_TMP/$1.rss" \
    fdnix-embed --log-format=json --summary-json "$TEST_TMP/$1.json" 2>"$TEST_TMP/$1.log" \
    || fail "fdnix-embed ($1): $(grep '"error"' "$TEST_TMP/$1.log" | tail -3)"
  echo "# $1: $(jq -c .counts "$TEST_TMP/$1.json"), $(jq -c .durations_s "$TEST_TMP/$1.json"), peak RSS $(cat "$TEST_TMP/$1.rss") kB" >&2
}

verify () {
  "$embed_tool" verify >"$TEST_TMP/$1.verify" 2>"$TEST_TMP/$1.problems" \
    || fail "snapshot after $1: $(head -10 "$TEST_TMP/$1.problems")"
  echo "# $1: $(cat "$TEST_TMP/$1.verify")" >&2
}

[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed"

# --- 1. everything
sync_corpus "$packages"
run_embed first
embedded=$(jq .counts.embedded "$TEST_TMP/first.json")
check "[ $embedded -gt 80000 ]" "the first run embedded only $embedded packages"
verify first
check "[ \"\$(jq .records $TEST_TMP/first.verify)\" = $embedded ]" "not every stored package was embedded"
check "[ \"\$(jq .vectors $TEST_TMP/first.verify)\" = $embedded ]" "the index does not hold one vector per package"

# --- 2. nothing
run_embed second
jq -e '.counts.embedded == 0 and .counts.files_written == 0 and .counts.index_written == 0 and
       .counts.files_deleted == 0' "$TEST_TMP/second.json" >/dev/null \
  || fail "the second run wrote: $(jq -c .counts "$TEST_TMP/second.json")"

# --- 3. the 1%-changed corpus, plus versions changed alone
python3 "$variant" changed "$packages" "$TEST_TMP/changed.json" "$TEST_TMP/keys.txt" \
  || fail "make-variant.py"
python3 - "$TEST_TMP/changed.json" "$TEST_TMP/keys.txt" <<'EOF' || fail "version variant"
import json, sys
path, keys_path = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    data = json.load(f)
changed = {line.split("\t")[1].strip() for line in open(keys_path, encoding="utf-8")}
with open(keys_path, "a", encoding="utf-8") as keys:
    for i, (key, value) in enumerate(data.items()):
        if i % 200 == 120 and key not in changed and value.get("version"):
            value["version"] = value["version"] + "-fdnix"
            keys.write("version\t%s\n" % key)
with open(path, "w", encoding="utf-8") as f:
    json.dump(data, f, ensure_ascii=False)
EOF
changed=$(grep -c '^changed' "$TEST_TMP/keys.txt")
removed=$(grep -c '^removed' "$TEST_TMP/keys.txt")
versions=$(grep -c '^version' "$TEST_TMP/keys.txt")
echo "# variant: $changed descriptions changed, $removed removed, $versions versions changed" >&2
sync_corpus "$TEST_TMP/changed.json"
run_embed third
check "[ \"\$(jq .counts.embedded $TEST_TMP/third.json)\" = $changed ]" \
  "embedded $(jq .counts.embedded "$TEST_TMP/third.json") packages, $changed descriptions changed"
check "[ \"\$(jq .counts.vectors_moved $TEST_TMP/third.json)\" -ge $versions ]" "versions changed alone were not moved"
verify third
check "[ \"\$(jq .records $TEST_TMP/third.verify)\" = \$(( embedded - removed )) ]" "the table does not hold the variant"
# the new ids are there, the removed packages are not
sample_version=$(grep -m1 '^version' "$TEST_TMP/keys.txt" | cut -f2)
sample_removed=$(grep -m1 '^removed' "$TEST_TMP/keys.txt" | cut -f2)
# (the files the index lists: the ones it dropped stay a while for its readers)
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r '.batch_files[].key' \
  | while read -r key; do zcat "$FDNIX_DATA_DIR/$key"; done | jq -r '.vectors[].id' >"$TEST_TMP/ids.txt"
ids_of () { awk -v k="$1" '{ i = index ($0, "#"); while (i > 0 && index (substr ($0, i + 1), "#") > 0) i += index (substr ($0, i + 1), "#"); if (substr ($0, 1, i - 1) == k) print }' "$TEST_TMP/ids.txt"; }
ids_of "$sample_version" | grep -q -- '-fdnix$' || fail "$sample_version's new id is missing"
[ -z "$(ids_of "$sample_removed")" ] || fail "$sample_removed was removed but still has a vector"
exit 0
