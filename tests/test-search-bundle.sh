#!/bin/bash
# The search bundle in a directory: fdnix-embed publishes it (listed in the
# index with size and sha256), a rerun with nothing changed writes nothing,
# a changed table gives a new bundle and the old one is kept as superseded;
# fdnix-search answers from it alone (the table emptied) and refuses a
# truncated, changed, missing, malformed or newer bundle with one clear
# error; an index without a bundle falls back to the table.  A bundle
# deleted or changed in the objects is written again by the next run.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3 sqlite3
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"
export FDNIX_DATA_DIR="$TEST_TMP/data"

fdnix-metadata --input "$fixture" --min-packages 1 2>"$TEST_TMP/meta.log" || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta.log")"
fdnix-embed --vectors-per-file 10 --summary-json "$TEST_TMP/embed1.json" 2>"$TEST_TMP/embed1.log" \
  || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed1.log")"
index () { zcat "$1/vector-index/index.json.gz"; }
bundle=$(index "$FDNIX_DATA_DIR" | jq -r .search_bundle.key)
[ -f "$FDNIX_DATA_DIR/$bundle" ] || fail "the index lists $bundle, which is not there"
size=$(stat -c %s "$FDNIX_DATA_DIR/$bundle")
sha=$(sha256sum "$FDNIX_DATA_DIR/$bundle" | cut -d' ' -f1)
index "$FDNIX_DATA_DIR" | jq -e --argjson size "$size" --arg sha "$sha" \
  '.search_bundle.format == 1 and .search_bundle.size == $size and .search_bundle.sha256 == $sha and .search_bundle.packages == 45' \
  >/dev/null || fail "index entry: $(index "$FDNIX_DATA_DIR" | jq -c .search_bundle)"
# written before the index (the directory back end keeps modification times)
check "[ ! '$FDNIX_DATA_DIR/vector-index/index.json.gz' -ot '$FDNIX_DATA_DIR/$bundle' ]" "the bundle is newer than the index"

# answers from the bundle alone: with the table emptied (a search that
# read it would find nothing), the same answer
fdnix-search --json --limit 3 rg >"$TEST_TMP/expected" 2>/dev/null || fail "search"
cp -a "$FDNIX_DATA_DIR/fdnix.sqlite" "$TEST_TMP/fdnix.sqlite"
sqlite3 "$FDNIX_DATA_DIR/fdnix.sqlite" "DELETE FROM packages" || fail "emptying the table"
fdnix-search --json --limit 3 -v --log-format=text --summary-json "$TEST_TMP/s.json" rg >"$TEST_TMP/out" 2>"$TEST_TMP/err" \
  || fail "search with an empty table: $(cat "$TEST_TMP/err")"
cmp -s "$TEST_TMP/expected" "$TEST_TMP/out" || fail "answers differ"
check "[ \"\$(jq -r .packageName $TEST_TMP/out | head -1)\" = ripgrep ]" "rg: $(cat "$TEST_TMP/out")"
grep -q "read 45 packages from $bundle" "$TEST_TMP/err" || fail "not read from the bundle: $(cat "$TEST_TMP/err")"
jq -e '.counts.from_bundle == 1' "$TEST_TMP/s.json" >/dev/null || fail "summary: $(cat "$TEST_TMP/s.json")"
cp -a "$TEST_TMP/fdnix.sqlite" "$FDNIX_DATA_DIR/fdnix.sqlite"

# a rerun with nothing changed writes nothing
fdnix-embed --vectors-per-file 10 --summary-json "$TEST_TMP/embed2.json" 2>"$TEST_TMP/embed2.log" || fail "rerun"
jq -e '(.counts.bundle_written // 0) == 0 and (.counts.index_written // 0) == 0' "$TEST_TMP/embed2.json" >/dev/null \
  || fail "the rerun wrote: $(jq -c .counts "$TEST_TMP/embed2.json")"

# a changed description: a new bundle; the old one stays for readers of
# the previous index, then goes
python3 - "$fixture" "$TEST_TMP/changed.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
data["ripgrep"]["meta"]["description"] = "Searches files for lines that match a pattern, recursively"
json.dump(data, open(sys.argv[2], "w"))
PY
fdnix-metadata --input "$TEST_TMP/changed.json" --min-packages 1 2>/dev/null || fail "fdnix-metadata (changed)"
fdnix-embed --vectors-per-file 10 2>"$TEST_TMP/embed3.log" || fail "fdnix-embed (changed): $(tail -3 "$TEST_TMP/embed3.log")"
bundle2=$(index "$FDNIX_DATA_DIR" | jq -r .search_bundle.key)
check "[ '$bundle2' != '$bundle' ]" "a changed table kept the bundle key"
[ -f "$FDNIX_DATA_DIR/$bundle" ] || fail "the previous bundle was deleted at once"
index "$FDNIX_DATA_DIR" | jq -e --arg k "$bundle" '[.superseded_files[]?.key] | index($k) != null' >/dev/null \
  || fail "the previous bundle is not listed as superseded"
fdnix-search --json --limit 1 rg 2>/dev/null | grep -q "lines that match a pattern" || fail "the new description is not shown"
fdnix-embed --vectors-per-file 10 --keep-superseded 0 2>/dev/null || fail "fdnix-embed --keep-superseded 0"
[ ! -e "$FDNIX_DATA_DIR/$bundle" ] || fail "the superseded bundle outlived its grace"
[ -f "$FDNIX_DATA_DIR/$bundle2" ] || fail "the listed bundle was deleted"
bundle=$bundle2

# a bundle deleted or changed behind the index's back is written again by
# the next run, though the index is up to date
rm "$FDNIX_DATA_DIR/$bundle"
fdnix-embed --vectors-per-file 10 2>"$TEST_TMP/embed4.log" || fail "fdnix-embed after a deleted bundle"
[ -f "$FDNIX_DATA_DIR/$bundle" ] || fail "a deleted bundle was not written again"
printf 'X' | dd of="$FDNIX_DATA_DIR/$bundle" bs=1 seek=100 conv=notrunc 2>/dev/null
fdnix-embed --vectors-per-file 10 2>"$TEST_TMP/embed5.log" || fail "fdnix-embed after a changed bundle"
grep -q "does not hold the search bundle its name promises" "$TEST_TMP/embed5.log" \
  || fail "a changed bundle went unnoticed: $(cat "$TEST_TMP/embed5.log")"
fdnix-search --limit 1 rg >/dev/null 2>"$TEST_TMP/err" || fail "search after the repair: $(cat "$TEST_TMP/err")"

# damaged snapshots, each on a copy: exit 1 and one error naming the bundle
damaged () {
  name=$1 expect=$2
  dir="$TEST_TMP/$name"
  FDNIX_DATA_DIR="$dir" fdnix-search --log-format=text rg >"$dir.out" 2>"$dir.err"
  status=$?
  check "[ $status -eq 1 ]" "$name: exit $status"
  check "[ \$(grep -c '^fdnix-search: error:' '$dir.err') -eq 1 ]" "$name: $(cat "$dir.err")"
  grep -q "error: .*$expect" "$dir.err" || fail "$name: expected '$expect': $(cat "$dir.err")"
}
copy () { rm -rf "$TEST_TMP/$1"; cp -a "$FDNIX_DATA_DIR" "$TEST_TMP/$1"; echo "$TEST_TMP/$1"; }
# rewrites the index's entry for a bundle changed on purpose, so that only
# the bundle's own checks can refuse it
relist () {
  python3 - "$1" "$bundle" <<'PY'
import gzip, hashlib, json, os, sys
root, key = sys.argv[1], sys.argv[2]
data = open(os.path.join(root, key), "rb").read()
path = os.path.join(root, "vector-index/index.json.gz")
index = json.loads(gzip.open(path).read())
index["search_bundle"].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
gzip.open(path, "wb").write(json.dumps(index).encode())
PY
}
patch () {
  python3 - "$1/$bundle" "$2" "$3" <<'PY'
import struct, sys
path, where, value = sys.argv[1], sys.argv[2], int(sys.argv[3], 0)
data = bytearray(open(path, "rb").read())
if where == "truncate":
    data = data[:value]
else:
    n = struct.unpack_from("<I", data, 12)[0]
    sections = {}
    for i in range(n):
        sid, _, off, length = struct.unpack_from("<IIQQ", data, 24 + 24 * i)
        sections[sid] = (off, length, 24 + 24 * i)
    kind, sid = where.split(":")
    off, length, entry = sections[int(sid)]
    if kind == "u32":          # the section's first u32
        struct.pack_into("<I", data, off, value)
    elif kind == "offset":     # the section's offset in the table
        struct.pack_into("<Q", data, entry + 8, value)
    elif kind == "version":
        struct.pack_into("<I", data, 8, value)
open(path, "wb").write(data)
PY
}

d=$(copy truncated); head -c $((size / 2)) "$d/$bundle" >"$d/b" && mv "$d/b" "$d/$bundle"
damaged truncated "$bundle: .* bytes, but the index says"
d=$(copy changed); printf 'X' | dd of="$d/$bundle" bs=1 seek=200 conv=notrunc 2>/dev/null
damaged changed "$bundle: sha256 is .*, but the index says"
d=$(copy missing); rm "$d/$bundle"
damaged missing "the index lists a search bundle that is missing"
d=$(copy cut); patch "$d" truncate 4000; relist "$d"
damaged cut "not a valid search bundle: the header says"
d=$(copy outside); patch "$d" offset:6 99999999; relist "$d"
damaged outside "not a valid search bundle: section 6 lies outside the file"
d=$(copy posting); patch "$d" u32:6 4000000; relist "$d"
damaged posting "not a valid search bundle: term .*: a posting out of range"
d=$(copy entries); patch "$d" u32:3 999999; relist "$d"
damaged entries "not a valid search bundle: package 0: a text offset past the strings"
d=$(copy counts); patch "$d" u32:1 46; relist "$d"
damaged counts "not a valid search bundle: section 3 holds"
d=$(copy newer); patch "$d" version:1 2; relist "$d"
damaged newer "format 2, this fdnix-search reads format 1: upgrade fdnix-search"
d=$(copy newer-index)
index "$d" | jq -c '.search_bundle.format = 2' | gzip -n >"$d/i" && mv "$d/i" "$d/vector-index/index.json.gz"
damaged newer-index "format 2, this fdnix-search reads format 1"
d=$(copy bad-key)
index "$d" | jq -c '.search_bundle.key = "search-bundle/../fdnix.sqlite"' | gzip -n >"$d/i" && mv "$d/i" "$d/vector-index/index.json.gz"
damaged bad-key "a search bundle without a valid key"

# an older fdnix-embed's index (no bundle): the table, with a word about it
d=$(copy old)
index "$d" | jq -c 'del(.search_bundle)' | gzip -n >"$d/i" && mv "$d/i" "$d/vector-index/index.json.gz"
FDNIX_DATA_DIR="$d" fdnix-search --json --limit 3 rg >"$TEST_TMP/old.out" 2>"$TEST_TMP/old.err" \
  || fail "fallback: $(cat "$TEST_TMP/old.err")"
fdnix-search --json --limit 3 rg >"$TEST_TMP/new.out" 2>/dev/null || fail "search"
cmp -s "$TEST_TMP/old.out" "$TEST_TMP/new.out" || fail "the table and the bundle answer differently"
grep -q "lists no search bundle (written by an older fdnix-embed): reading the packages from the table" \
  "$TEST_TMP/old.err" || fail "fallback message: $(cat "$TEST_TMP/old.err")"
exit 0
