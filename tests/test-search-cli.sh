#!/bin/bash
# fdnix-search on the embedded defaults (SQLite, directory, offline embedder):
# fdnix-metadata and fdnix-embed on a fixture of 45 real nixpkgs packages,
# then queries whose top results are asserted (exact names first, words of
# a description find the package, near misspellings), the --json shape,
# --queries, usage errors, and clear failures: no snapshot yet, a tampered
# batch file, another model.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"

# first result's attribute path for a query
top () {
  fdnix-search --json --limit "${LIMIT:-1}" "$@" 2>"$TEST_TMP/err" | jq -r .packageName
}

# --- usage errors: exit 2 with a hint
for args in "" "--limit 0" "--limit x" "--min-score -1" "--embedder nope" "--queries /dev/null rg" "--bogus rg" \
    "--fusion nope rg" "--vector-weight -1 rg" "--vector-weight 11 rg"; do
  # shellcheck disable=SC2086
  fdnix-search $args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  check "[ $status -eq 2 ]" "fdnix-search $args: exit $status, not 2 ($(cat "$TEST_TMP/err"))"
  grep -q "Try 'fdnix-search --help'" "$TEST_TMP/err" || fail "fdnix-search $args: no --help hint"
done
fdnix-search --help | grep -q -- "--explain" || fail "--help lists no --explain"
fdnix-search --version | grep -q "^fdnix-search (fdnix) " || fail "--version"

# --- no table yet: a clear error, exit 1, and no file left behind
fdnix-search --log-format=text rg >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "no table: exit $status"
grep -q "error: .*fdnix.sqlite does not exist: run fdnix-metadata" "$TEST_TMP/err" || fail "no table: $(cat "$TEST_TMP/err")"
check "[ ! -e \"\$FDNIX_DATA_DIR/fdnix.sqlite\" ]" "fdnix-search created a database"

# --- the pipeline on the fixture
fdnix-metadata --input "$fixture" --min-packages 1 --log-format=json 2>"$TEST_TMP/meta.log" \
  || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta.log")"
# nothing embedded yet: a clear error, exit 1
fdnix-search --log-format=text rg >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "no snapshot: exit $status"
grep -q "error: no vector index .*run fdnix-embed first" "$TEST_TMP/err" || fail "no snapshot: $(cat "$TEST_TMP/err")"
fdnix-embed --vectors-per-file 10 --log-format=json 2>"$TEST_TMP/embed.log" \
  || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed.log")"

# --- exact names come first, whatever the similarity says
check "[ \"\$(top rg)\" = ripgrep ]" "rg: $(top rg) first, not ripgrep (its main program)"
check "[ \"\$(top make)\" = gnumake ]" "make: $(top make) first, not gnumake"
check "[ \"\$(top FFmpeg)\" = ffmpeg ]" "FFmpeg: $(top FFmpeg) first, not ffmpeg"
# versions of one package are one result, the others its alternatives
fdnix-search --json --limit 2 ffmpeg >"$TEST_TMP/ffmpeg" 2>"$TEST_TMP/err" || fail "ffmpeg: $(cat "$TEST_TMP/err")"
jq -e -s '.[0].packageName == "ffmpeg" and .[0].alternatives == ["ffmpeg_6"] and
  all(.[]; .packageName != "ffmpeg_6")' "$TEST_TMP/ffmpeg" >/dev/null || fail "ffmpeg: $(cat "$TEST_TMP/ffmpeg")"
fdnix-search --limit 2 ffmpeg | grep -qx '    also: ffmpeg_6' || fail "ffmpeg: no 'also:' line"
check "[ \"\$(top requests | cut -d. -f2)\" = requests ]" "requests: $(top requests) first"
check "[ \"\$(top nvim)\" = neovim ]" "nvim: $(top nvim) first, not neovim"
# words of a description find the package
check "[ \"\$(top sound editor)\" = audacity ]" "sound editor: $(top sound editor) first, not audacity"
LIMIT=3 top terminal file manager >"$TEST_TMP/fm"
grep -Eqx 'walk|superfile|ranger|nnn|lf|yazi' "$TEST_TMP/fm" || fail "terminal file manager: $(cat "$TEST_TMP/fm")"
LIMIT=3 top backup program >"$TEST_TMP/backup"
grep -qx restic "$TEST_TMP/backup" || fail "backup program: $(cat "$TEST_TMP/backup")"
# the keyword ranking: words of a description, stemmed, all of them
# preferred; and each ranking alone
check "[ \"\$(top encrypting)\" = borgbackup ]" "encrypting: $(top encrypting) first, not borgbackup (whose description says \"encryption\")"
check "[ \"\$(top the terminal multiplexer)\" = tmux ]" "the terminal multiplexer: $(top the terminal multiplexer) first, not tmux"
check "[ \"\$(top --fusion keyword sound editor)\" = audacity ]" "--fusion keyword: $(top --fusion keyword sound editor)"
top --fusion vector --limit 3 terminal file manager >"$TEST_TMP/fm-vector" || fail "--fusion vector: $(cat "$TEST_TMP/err")"
check "[ -s $TEST_TMP/fm-vector ]" "--fusion vector found nothing"
# filters
check "[ \"\$(top --set python314Packages http library)\" = python314Packages.requests ]" \
  "--set python314Packages: $(top --set python314Packages http library)"
top --license unfree --limit 50 editor >"$TEST_TMP/unfree"
check "[ ! -s $TEST_TMP/unfree ]" "--license unfree: the fixture has no unfree package, got $(cat "$TEST_TMP/unfree")"
check "[ \"\$(top --license GPL-2.0-or-later sound editor)\" = audacity ]" "--license GPL-2.0-or-later: $(top --license GPL-2.0-or-later sound editor)"
# typos
check "[ \"\$(top firefix)\" = firefox ]" "firefix: $(top firefix) first"
check "[ \"\$(top thunderbrid)\" = thunderbird ]" "thunderbrid: $(top thunderbrid) first"

# --- --json: one object per result, ranked, in the documented shape
fdnix-search --json --limit 5 --explain terminal file manager >"$TEST_TMP/json" 2>"$TEST_TMP/err" \
  || fail "--json: $(cat "$TEST_TMP/err")"
check "[ \"\$(wc -l <$TEST_TMP/json)\" = 5 ]" "--limit 5 gave $(wc -l <"$TEST_TMP/json") lines"
jq -e -s '[.[].rank] == [1,2,3,4,5] and
  all(.[]; .query == "terminal file manager" and (.packageName | type) == "string" and
      (.version | type) == "string" and (.score | type) == "number" and
      (.match | IN("exact-path","exact-name","prefix","typo","none")) and
      (.explain.cosine | type) == "number" and (.explain.text | test("relevance")) and
      (.explain.keywordRank | type) == "number" and (.explain.relevance | type) == "number" and
      (.broken | type) == "boolean" and (.unfree | type) == "boolean" and
      (.licenses | type) == "array" and (.platforms | type) == "array") and
  ([.[].score] == ([.[].score] | sort | reverse))' "$TEST_TMP/json" >/dev/null \
  || fail "--json shape: $(head -2 "$TEST_TMP/json")"
fdnix-search --json rg | jq -e -s '.[0].mainProgram == "rg" and .[0].match == "exact-name" and
  (.[0] | has("explain") | not) and (.[0].description | length) > 10' >/dev/null || fail "--json rg"

# --- the table
fdnix-search --explain --limit 2 rg >"$TEST_TMP/table" || fail "table"
head -1 "$TEST_TMP/table" | grep -Eq '^ATTRIBUTE PATH +VERSION +SCORE +DESCRIPTION$' || fail "table header: $(head -1 "$TEST_TMP/table")"
sed -n 2p "$TEST_TMP/table" | grep -Eq '^ripgrep +15\.1\.0 +[0-9.]+ +Utility' || fail "table row: $(sed -n 2p "$TEST_TMP/table")"
sed -n 3p "$TEST_TMP/table" | grep -q 'exact main program "rg"' || fail "--explain line: $(sed -n 3p "$TEST_TMP/table")"

# --- --queries: many queries, one load; the summary has the figures
printf '# comment\nrg\n\nsound editor\nfirefix\n' >"$TEST_TMP/queries"
fdnix-search --json --limit 1 --queries "$TEST_TMP/queries" --summary-json "$TEST_TMP/summary.json" \
  >"$TEST_TMP/batch" 2>"$TEST_TMP/err" || fail "--queries: $(cat "$TEST_TMP/err")"
check "[ \"\$(jq -r .packageName $TEST_TMP/batch | tr '\n' ' ')\" = 'ripgrep audacity firefox ' ]" \
  "--queries: $(jq -r .packageName "$TEST_TMP/batch")"
jq -e '.status == "ok" and .counts.packages == 45 and .counts.vectors == 45 and .counts.queries == 3 and
  .counts.files == 5 and .latency_us.query_median > 0 and .latency_us.load > 0 and
  .memory_kb.peak_rss > 0 and .durations_s.load > 0 and (.info.model | startswith("fdnix-offline-v1"))' \
  "$TEST_TMP/summary.json" >/dev/null || fail "summary: $(cat "$TEST_TMP/summary.json")"
echo rg | fdnix-search --json --queries - | jq -e -s '.[0].packageName == "ripgrep"' >/dev/null \
  || fail "--queries -"

# --- nothing matches a single query: exit 1, one error line
fdnix-search --min-score 9 --log-format=text rg >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "no match: exit $status"
grep -q "error: no package matches 'rg'" "$TEST_TMP/err" || fail "no match: $(cat "$TEST_TMP/err")"
check "[ ! -s $TEST_TMP/out ]" "no match printed something"

# --- another model: refused with both names
FDNIX_EMBED_DIMENSION=128 fdnix-search --log-format=text rg >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "model mismatch: exit $status"
grep -q "error: the vectors were made by model 'fdnix-offline-v1-d256-.*' .* uses 'fdnix-offline-v1-d128-" \
  "$TEST_TMP/err" || fail "model mismatch: $(cat "$TEST_TMP/err")"

# --- a batch file changed after the index: refused, naming the file
key=$(zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r '.batch_files[2].key')
cp "$FDNIX_DATA_DIR/$key" "$TEST_TMP/saved.json.gz"
zcat "$TEST_TMP/saved.json.gz" | sed 's/"vector":\[0/"vector":[1/' | gzip -n >"$FDNIX_DATA_DIR/$key"
fdnix-search --log-format=text rg >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "tampered file: exit $status"
grep -q "error: $key: .*the index says" "$TEST_TMP/err" || fail "tampered file: $(cat "$TEST_TMP/err")"
cp "$TEST_TMP/saved.json.gz" "$FDNIX_DATA_DIR/$key"
check "[ \"\$(top rg)\" = ripgrep ]" "restored file: search fails"
exit 0
