#!/bin/bash
# A published snapshot someone tampered with (issue 13): each case breaks a
# good snapshot in the directory back end the way a hostile probe did, then
#   - fdnix-search must exit 1 with one clear "error:" line, in bounded time
#     and memory (peak RSS, /usr/bin/time), reading nothing outside the
#     vector directory and changing nothing in it;
#   - fdnix-embed must repair what can be repaired (exit 0, the log says
#     why, the snapshot verifies, a search works again, the next run embeds
#     nothing) and fail clearly on what cannot (a vectors/ folder that is a
#     link out of the directory), never following links out of it.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3 gzip timeout
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed (Debian: time)"
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"
vectors="$FDNIX_DATA_DIR/vectors"
index="$FDNIX_DATA_DIR/vector-index/index.json.gz"
outside="$TEST_TMP/outside"
# Peak RSS allowed, in kB.  A clean search of this fixture takes ~15 MB; the
# worst case here, a batch file inflating to the 128 MiB text cap, ~150 MB;
# the hostile inputs asked for gigabytes.  AddressSanitizer's redzones and
# quarantine (freed blocks kept, 256 MB by default) about triple that.
max_rss_kb=400000
if ldd "$(command -v fdnix-search)" 2>/dev/null | grep -q libasan; then
  max_rss_kb=1000000
fi
max_rss_kb=${FDNIX_HOSTILE_MAX_RSS_KB:-$max_rss_kb}

fdnix-metadata --input "$fixture" --min-packages 1 --log-format=json 2>"$TEST_TMP/meta.log" \
  || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta.log")"
fdnix-embed --vectors-per-file 10 --keep-superseded 0 --log-format=json 2>"$TEST_TMP/embed.log" \
  || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed.log")"
fdnix-search --json --limit 1 rg >/dev/null 2>&1 || fail "the good snapshot does not search"
cp -a "$FDNIX_DATA_DIR" "$TEST_TMP/good"
first_key=$(zcat "$index" | jq -r '.batch_files[0].key')
first="$FDNIX_DATA_DIR/$first_key"
mkdir -p "$outside"
cp "$first" "$outside/batch_same.json.gz"
echo "not for fdnix" >"$outside/secret"

# bomb FILE MB: gzip of "{", MB megabytes of spaces and "}" (~1 kB a MB)
bomb () {
  python3 - "$1" "$2" <<'EOF'
import sys, zlib
out = open(sys.argv[1], "wb")
z = zlib.compressobj(9, zlib.DEFLATED, 31)
out.write(z.compress(b"{"))
chunk = b" " * (1 << 20)
for _ in range(int(sys.argv[2])):
    out.write(z.compress(chunk))
out.write(z.compress(b"}") + z.flush())
EOF
}

restore () {
  rm -rf "$FDNIX_DATA_DIR"
  cp -a "$TEST_TMP/good" "$FDNIX_DATA_DIR"
}

# the state of everything fdnix may not change: the snapshot and outside
fingerprint () {
  (cd "$TEST_TMP" && find data/vectors data/vector-index outside -printf '%p %y %s %T@\n' 2>/dev/null \
     | sort; find outside -type f -exec sha256sum {} + | sort)
}

# write_index PYTHON-EXPRESSION: the good index as `index` (a dict), and
# whatever the expression makes of it, gzip'd over the index
write_index () {
  python3 - "$index" "$1" <<'EOF'
import gzip, json, sys
path, expression = sys.argv[1], sys.argv[2]
index = json.loads(gzip.decompress(open(path, "rb").read()))
first = index["batch_files"][0]
result = eval(expression)
data = result if isinstance(result, (bytes, str)) else json.dumps(result)
if isinstance(data, str):
    data = data.encode()
open(path, "wb").write(gzip.compress(data))
EOF
}

# bounded NAME CMD...: runs CMD with a time limit, records exit status,
# stderr and peak RSS
bounded () {
  name=$1; shift
  /usr/bin/time -f %M -o "$TEST_TMP/$name.rss" timeout -k 5 60 "$@" \
    >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err"
  status=$?
  rss=$(tail -1 "$TEST_TMP/$name.rss")
  case $rss in ''|*[!0-9]*) rss=0 ;; esac
  check "[ $status -ne 124 ] && [ $status -ne 137 ]" "$name: did not finish in 60 s"
  check "[ $rss -le $max_rss_kb ]" "$name: peak RSS $rss kB, more than $max_rss_kb kB"
}

# search_refuses CASE PATTERN: a search on the tampered snapshot exits 1
# with one error line matching PATTERN and touches nothing
search_refuses () {
  before=$(fingerprint)
  bounded "search-$1" fdnix-search --log-format=text --limit 1 rg
  check "[ $status -eq 1 ]" "$1: fdnix-search exit $status, not 1 ($(tail -3 "$TEST_TMP/search-$1.err"))"
  errors=$(grep -Ec '^(fdnix-[a-z]+: )?error: ' "$TEST_TMP/search-$1.err")
  check "[ $errors -eq 1 ]" "$1: $errors error lines: $(head -c 2000 "$TEST_TMP/search-$1.err")"
  grep -E "^(fdnix-[a-z]+: )?error: .*$2" "$TEST_TMP/search-$1.err" >/dev/null \
    || fail "$1: the error does not say '$2': $(grep 'error: ' "$TEST_TMP/search-$1.err")"
  check "[ \"\$(fingerprint)\" = \"\$before\" ]" "$1: fdnix-search changed the snapshot or read outside"
  echo "# $1: search refused in bounds (peak RSS $rss kB): $(grep 'error: ' "$TEST_TMP/search-$1.err" | cut -c1-150)" >&2
}

# embed_repairs CASE PATTERN: fdnix-embed exits 0, logs PATTERN, and the
# snapshot is whole again; the next run changes nothing
embed_repairs () {
  outside_before=$(cd "$TEST_TMP" && find outside -type f -exec sha256sum {} + | sort)
  bounded "embed-$1" fdnix-embed --vectors-per-file 10 --log-format=text
  check "[ $status -eq 0 ]" "$1: fdnix-embed exit $status ($(tail -3 "$TEST_TMP/embed-$1.err"))"
  grep -E "$2" "$TEST_TMP/embed-$1.err" >/dev/null \
    || fail "$1: the embed log does not say '$2': $(head -c 2000 "$TEST_TMP/embed-$1.err")"
  "$embed_tool" verify >"$TEST_TMP/verify-$1.json" 2>"$TEST_TMP/verify-$1.err" \
    || fail "$1: not repaired: $(head -5 "$TEST_TMP/verify-$1.err")"
  jq -e '.records == 45 and .vectors == 45' "$TEST_TMP/verify-$1.json" >/dev/null \
    || fail "$1: $(cat "$TEST_TMP/verify-$1.json")"
  check "[ \"\$(fdnix-search --json --limit 1 rg 2>/dev/null | jq -r .packageName)\" = ripgrep ]" \
    "$1: search after the repair"
  fdnix-embed --vectors-per-file 10 --summary-json "$TEST_TMP/again-$1.json" 2>/dev/null \
    || fail "$1: the run after the repair failed"
  jq -e '.counts.embedded == 0 and .counts.index_written == 0' "$TEST_TMP/again-$1.json" >/dev/null \
    || fail "$1: the run after the repair did more: $(jq -c .counts "$TEST_TMP/again-$1.json")"
  check "[ \"\$(cd '$TEST_TMP' && find outside -type f -exec sha256sum {} + | sort)\" = \"\$outside_before\" ]" \
    "$1: fdnix-embed changed files outside the vector directory"
  echo "# $1: embed repaired it (peak RSS $rss kB)" >&2
}

# --- 2: an index nested 100000 deep (json-glib overflowed its stack)
restore
write_index '"{\"batch_files\":[],\"metadata\":" + "[" * 100000 + "]" * 100000 + "}"'
search_refuses deep-index "nests deeper than 64 levels"
embed_repairs deep-index "ignoring the previous index.*nests deeper"

# --- 4: no batch files and vector_dimension 10^9 (packages × 10^9 floats)
restore
write_index 'dict(index, batch_files=[], total_vectors=0, vector_dimension=10**9)'
search_refuses huge-dimension "vector_dimension.* is 1000000000, outside 0 to 16384"
embed_repairs huge-dimension "ignoring the previous index"

# --- 5: one batch file listed 4000 times (a 1 MB index: hours of reading)
restore
write_index 'dict(index, batch_files=[first] * 4000, total_vectors=first["vector_count"] * 4000)'
search_refuses repeated-file "$first_key is listed twice"
embed_repairs repeated-file "ignoring the previous index.*listed twice"

# ... and 40000 times: more entries than any index may have
restore
write_index 'dict(index, batch_files=[first] * 40000)'
search_refuses too-many-files "lists 40000 batch files, more than the 20000 allowed"

# ... and a gzip bomb: 1 MB that inflates to 1 GB
restore
bomb "$index" 1024
search_refuses index-bomb "expands beyond 16777216 bytes"
embed_repairs index-bomb "ignoring the previous index.*expands beyond"

# --- 6: a listed file that is a link to /dev/zero, a FIFO, a link out of
# the directory (to a file with the right content), a vectors/ folder
# that is a link out
restore
rm "$first" && ln -s /dev/zero "$first"
search_refuses dev-zero "$first_key.*is a symbolic link"
embed_repairs dev-zero "$first_key is gone"

restore
rm "$first" && mkfifo "$first"
search_refuses fifo "$first_key.*not a regular file"
embed_repairs fifo "$first_key is gone"

restore
rm "$first" && ln -s "$outside/batch_same.json.gz" "$first"
search_refuses link-out "$first_key.*is a symbolic link"
embed_repairs link-out "$first_key is gone"

restore
cp -a "$vectors/." "$outside/" && rm -rf "$vectors" && ln -s "$outside" "$vectors"
search_refuses folder-link-out "vectors.* is a symbolic link or not a directory"
before=$(fingerprint)
bounded embed-folder-link-out fdnix-embed --vectors-per-file 10 --log-format=text
check "[ $status -eq 1 ]" "folder-link-out: fdnix-embed exit $status, not 1"
grep -Eq "^(fdnix-embed: )?error: .*symbolic link or not a directory" "$TEST_TMP/embed-folder-link-out.err" \
  || fail "folder-link-out: $(grep 'error: ' "$TEST_TMP/embed-folder-link-out.err")"
check "[ \"\$(fingerprint)\" = \"\$before\" ]" "folder-link-out: fdnix-embed wrote through the link"
rm "$vectors" && rm -f "$outside"/batch_*_*.json.gz

# --- 9: an entry that lies (count 5·10^9, wrong sha256), content replaced
# with the same size: search fails, embed repairs instead of carrying the
# entry forward for ever
restore
write_index 'dict(index, total_vectors=index["total_vectors"] - first["vector_count"] + 5 * 10**9,
                  batch_files=[dict(first, vector_count=5 * 10**9)] + index["batch_files"][1:])'
search_refuses huge-count "vector_count.* is 5000000000, outside 0 to 1000000"
embed_repairs huge-count "ignoring the previous index"

restore
write_index 'dict(index, batch_files=[dict(first, sha256="0" * 64)] + index["batch_files"][1:])'
search_refuses wrong-sha256 "$first_key: sha256 is .*, but the index says 0000"
embed_repairs wrong-sha256 "$first_key does not match its entry in the previous index \\(sha256"

restore
size=$(stat -c %s "$first")
zcat "$first" | sed 's/"vector":\[0\./"vector":[1./' | gzip -n -9 | head -c "$size" >"$TEST_TMP/same-size"
# pad (or cut) to the very size the index gives
truncate -s "$size" "$TEST_TMP/same-size" && cp "$TEST_TMP/same-size" "$first"
check "[ $(stat -c %s "$first") -eq $size ]" "same-size: the replaced file has another size"
search_refuses same-size "$first_key: sha256 is .*, but the index says"
embed_repairs same-size "$first_key does not match its entry in the previous index"

# --- batch files that match their entry but are hostile themselves
restore
python3 - "$first" <<'EOF'
import gzip, sys
body = b'{"vectors":[{"id":"a#1","vector":[' + b",".join([b"0"] * 100000) + b']}]}'
open(sys.argv[1], "wb").write(gzip.compress(body))
EOF
write_index "dict(index, batch_files=[dict(first, size=$(stat -c %s "$first"), sha256='$(sha256sum "$first" | cut -d' ' -f1)')] + index['batch_files'][1:])"
search_refuses long-vector "$first_key: .*a vector longer than 16384 numbers"

restore
bomb "$first" 1024
write_index "dict(index, batch_files=[dict(first, size=$(stat -c %s "$first"), sha256='$(sha256sum "$first" | cut -d' ' -f1)')] + index['batch_files'][1:])"
search_refuses file-bomb "$first_key: gzip data expands beyond 134217728 bytes"

echo "# every tampered snapshot was refused or repaired in bounds" >&2
exit 0
