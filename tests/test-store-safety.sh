#!/bin/bash
# Trust nothing (issue 13): the table and the published vectors survive
# mistakes.  A mistyped --database is an error for every program but
# fdnix-metadata, and nothing is created, published or deleted; fdnix-embed
# keeps a package floor like fdnix-metadata's; another application's SQLite
# file is refused and left byte for byte; fdnix-search reads a table on a
# read-only directory; every numeric setting is range-checked (exit 2,
# naming its source); fdnix-metadata -o follows the umask.
. "$(dirname "$0")/lib.sh"
need jq sqlite3 sha256sum python3

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_LOG_FORMAT=text
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"
small="$FDNIX_TESTS_SRCDIR/data/metadata/small.json"
db="$FDNIX_DATA_DIR/fdnix.sqlite"

# run WANT CMD...: runs CMD with stdout/stderr in $TEST_TMP/out and err,
# and fails unless it exits WANT
run () {
  want=$1; shift
  "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  got=$?
  [ "$got" = "$want" ] || fail "exit $got, not $want: $* ($(cat "$TEST_TMP/err"))"
}

# one_error PATTERN: stderr is one "error:" line matching PATTERN
one_error () {
  n=$(grep -c 'error:' "$TEST_TMP/err")
  [ "$n" = 1 ] || fail "$n error lines, not 1: $(cat "$TEST_TMP/err")"
  grep -q "error: .*$1" "$TEST_TMP/err" || fail "error line lacks '$1': $(cat "$TEST_TMP/err")"
}

# the published state: the index and the batch files, by content
published () {
  (cd "$FDNIX_DATA_DIR" && find vectors vector-index -type f -print0 | sort -z | xargs -0 sha256sum)
}

count_listed () {
  zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq .total_vectors
}

# --- the pipeline on 45 real packages
fdnix-metadata --input "$fixture" --log-format=json 2>"$TEST_TMP/meta.log" \
  || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta.log")"
fdnix-embed --vectors-per-file 10 --log-format=json 2>"$TEST_TMP/embed.log" \
  || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed.log")"
total=$(count_listed)
check '[ "$total" = 45 ]' "the index lists $total vectors, not 45"
published >"$TEST_TMP/published.0"
check '[ "$(grep -c vectors/batch_ "$TEST_TMP/published.0")" = 5 ]' "not 5 batch files"

# --- 1. a database that is not there: exit 1, one error naming it and
# fdnix-metadata, no file made, nothing published or deleted
typo="$TEST_TMP/typo/fdnix.sqlite"
for prog in fdnix-embed fdnix-search; do
  args=""
  [ $prog = fdnix-search ] && args=ripgrep
  # shellcheck disable=SC2086
  run 1 $prog --database "$typo" --log-format=text $args
  one_error "$typo does not exist: run fdnix-metadata"
  check "[ ! -e '$TEST_TMP/typo' ]" "$prog created $typo"
  # another data directory (XDG_DATA_HOME, STATE_DIRECTORY) beside the same vectors
  # shellcheck disable=SC2086
  FDNIX_DATA_DIR="$TEST_TMP/other" run 1 $prog --vector-dir "$FDNIX_DATA_DIR" --log-format=text $args
  one_error "$TEST_TMP/other/fdnix.sqlite does not exist"
  check "[ ! -e '$TEST_TMP/other' ]" "$prog created another data directory"
done
# a dry run changes nothing, so it makes no table either
run 1 fdnix-metadata --dry-run --input "$small" --database "$typo"
one_error "$typo does not exist: run fdnix-metadata"
check "[ ! -e '$TEST_TMP/typo' ]" "fdnix-metadata --dry-run created $typo"
published >"$TEST_TMP/published.1"
cmp -s "$TEST_TMP/published.0" "$TEST_TMP/published.1" || fail "a missing database changed the vectors"

# an ECS task (its agent sets AWS_EXECUTION_ENV) whose task definition lost
# DYNAMODB_TABLE would keep the table in a file that dies with the task:
# refused, unless a table or data directory is named on purpose
for prog in fdnix-metadata fdnix-embed; do
  args=""
  [ $prog = fdnix-metadata ] && args="--input $small"
  # shellcheck disable=SC2086
  env -u FDNIX_DATA_DIR AWS_EXECUTION_ENV=AWS_ECS_FARGATE HOME="$TEST_TMP/ecs-home" \
    $prog $args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  check "[ $status = 2 ]" "$prog in ECS without DYNAMODB_TABLE: exit $status, not 2: $(cat "$TEST_TMP/err")"
  grep -q "running as an ECS task (AWS_EXECUTION_ENV=AWS_ECS_FARGATE) with no DYNAMODB_TABLE" "$TEST_TMP/err" \
    || fail "$prog in ECS: $(cat "$TEST_TMP/err")"
  check "[ ! -e '$TEST_TMP/ecs-home/.local' ]" "$prog in ECS wrote under HOME"
done
AWS_EXECUTION_ENV=AWS_ECS_FARGATE fdnix-metadata --input "$small" --database "$TEST_TMP/ecs.sqlite" \
  2>"$TEST_TMP/err" || fail "an ECS task with --database: $(cat "$TEST_TMP/err")"

# --- 1. the embed floor: a table that lost most of its packages publishes nothing
printf '{}' >"$TEST_TMP/none.json"
empty_db="$TEST_TMP/empty/fdnix.sqlite"
fdnix-metadata --input "$TEST_TMP/none.json" --min-packages 0 --database "$empty_db" 2>/dev/null \
  || fail "an empty table"
run 1 fdnix-embed --database "$empty_db" --vector-dir "$FDNIX_DATA_DIR" --log-format=text
one_error "would list 0 vectors, but vector-index/index.json.gz lists 45: index not written, no batch file deleted: the floor is 41"
grep -q -- "--allow-shrink" "$TEST_TMP/err" || fail "the floor error names no way out"
published >"$TEST_TMP/published.2"
cmp -s "$TEST_TMP/published.0" "$TEST_TMP/published.2" || fail "an empty table changed the vectors"

jq 'to_entries | .[:20] | from_entries' "$fixture" >"$TEST_TMP/twenty.json"
part_db="$TEST_TMP/part/fdnix.sqlite"
cp "$db" "$TEST_TMP/part.sqlite"
mkdir -p "$TEST_TMP/part" && mv "$TEST_TMP/part.sqlite" "$part_db"
fdnix-metadata --input "$TEST_TMP/twenty.json" --min-ratio 0 --database "$part_db" 2>/dev/null \
  || fail "a table of 20"
run 1 fdnix-embed --database "$part_db" --vector-dir "$FDNIX_DATA_DIR" --log-format=text
one_error "would list 20 vectors, but .* lists 45"
FDNIX_MIN_RATIO=0.5 run 1 fdnix-embed --database "$part_db" --vector-dir "$FDNIX_DATA_DIR"
one_error "the floor is 23 (sync.min-ratio 0.5"
published >"$TEST_TMP/published.3"
cmp -s "$TEST_TMP/published.0" "$TEST_TMP/published.3" || fail "a shrunk table changed the vectors"
# the same [sync] settings as fdnix-metadata's let a deliberate shrink through
printf '[sync]\nmin-ratio=0.4\n' >"$TEST_TMP/shrink.conf"
FDNIX_CONFIG="$TEST_TMP/shrink.conf" run 0 fdnix-embed --database "$part_db" --vector-dir "$FDNIX_DATA_DIR"
check '[ "$(count_listed)" = 20 ]' "min-ratio 0.4: the index lists $(count_listed), not 20"
# and --allow-shrink an empty one, deleting the files it no longer lists
# (at once: no grace for readers of the old index here)
run 0 fdnix-embed --database "$empty_db" --vector-dir "$FDNIX_DATA_DIR" --allow-shrink --keep-superseded 0
check '[ "$(count_listed)" = 0 ]' "--allow-shrink: the index lists $(count_listed), not 0"
check '[ -z "$(ls "$FDNIX_DATA_DIR/vectors")" ]' "--allow-shrink left batch files"
# back to the whole table
run 0 fdnix-embed --allow-shrink
check '[ "$(count_listed)" = 45 ]' "the index lists $(count_listed), not 45, again"

# --- 19. another application's SQLite file is refused and left byte for byte
sqlite3 "$TEST_TMP/notes.db" "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');"
sqlite3 "$TEST_TMP/v1.db" "CREATE TABLE notes (body TEXT); PRAGMA user_version = 1;"
printf 'just text\n' >"$TEST_TMP/text.db"
for file in notes.db v1.db text.db; do
  sum=$(sha256sum <"$TEST_TMP/$file")
  run 1 fdnix-metadata --input "$small" --database "$TEST_TMP/$file" --log-format=text
  one_error "$TEST_TMP/$file"
  check "[ \"\$(sha256sum <'$TEST_TMP/$file')\" = '$sum' ]" "fdnix-metadata changed $file"
  check "[ ! -e '$TEST_TMP/$file-wal' ]" "fdnix-metadata left $file-wal"
  run 1 fdnix-embed --database "$TEST_TMP/$file" --log-format=text
  one_error "$TEST_TMP/$file"
  run 1 fdnix-search --database "$TEST_TMP/$file" --log-format=text ripgrep
  one_error "$TEST_TMP/$file"
  check "[ \"\$(sha256sum <'$TEST_TMP/$file')\" = '$sum' ]" "fdnix-embed or fdnix-search changed $file"
done
fdnix-metadata --input "$small" --database "$TEST_TMP/notes.db" 2>&1 | grep -q "another application" \
  || fail "the refusal does not say whose file it is"
# fdnix's own files carry its application_id; older ones (user_version 1
# and the packages table, no id) are still fdnix's
check '[ "$(sqlite3 "$db" "PRAGMA application_id")" = 1717857912 ]' "no application_id on a new table"
sqlite3 "$db" "PRAGMA application_id = 0"
run 0 fdnix-search ripgrep
run 0 fdnix-metadata --input "$fixture"
check '[ "$(sqlite3 "$db" "PRAGMA application_id")" = 1717857912 ]' "an older table was not stamped"

# --- 20. a table on a read-only directory is searchable
ro="$TEST_TMP/ro"
mkdir -p "$ro"
cp -r "$FDNIX_DATA_DIR"/vectors "$FDNIX_DATA_DIR"/vector-index "$db" "$ro/"
# an index without the search bundle (an older fdnix-embed's), so that the
# search reads the table itself
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -c 'del(.search_bundle)' | gzip -n \
  >"$ro/vector-index/index.json.gz"
check '[ "$(sqlite3 "$ro/fdnix.sqlite" "PRAGMA journal_mode")" = wal ]' "the table is not in WAL mode"
check '[ ! -e "$ro/fdnix.sqlite-shm" ]' "a -shm file is left"
chmod -R a+rX "$TEST_TMP"
chmod 0444 "$ro/fdnix.sqlite"
chmod 0555 "$ro"
sum=$(sha256sum <"$ro/fdnix.sqlite")
as_user=()
search=$FDNIX_BUILDDIR/fdnix-search
if [ "$(id -u)" = 0 ]; then
  # root ignores permissions: search as nobody, with a copy of the program
  # and its data that nobody can read wherever the build tree is (/root/...)
  command -v setpriv >/dev/null || skip "setpriv is not installed (needed to drop root)"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  mkdir -p "$TEST_TMP/bin"
  cp "$search" "$FDNIX_IDF_FILE" "$TEST_TMP/bin/"
  chmod -R a+rX "$TEST_TMP/bin"
  search=$TEST_TMP/bin/fdnix-search
  export FDNIX_IDF_FILE="$TEST_TMP/bin/$(basename "$FDNIX_IDF_FILE")"
fi
"${as_user[@]}" env FDNIX_DATA_DIR="$ro" "$search" -vv --json ripgrep \
  >"$TEST_TMP/ro.out" 2>"$TEST_TMP/ro.err" || fail "read-only search: $(cat "$TEST_TMP/ro.err")"
check '[ "$(jq -r .packageName "$TEST_TMP/ro.out" | head -1)" = ripgrep ]' "read-only search: $(cat "$TEST_TMP/ro.out")"
check "[ \"\$(sha256sum <'$ro/fdnix.sqlite')\" = '$sum' ]" "a read-only search changed the table"
# (the write-ahead log cannot be shared there: the file is read as immutable)
grep -q "reading the file as immutable" "$TEST_TMP/ro.err" || fail "read-only search: no immutable fallback: $(cat "$TEST_TMP/ro.err")"
check "[ -z \"\$(ls '$ro' | grep -e -wal -e -shm)\" ]" "a read-only search made files"
chmod 0755 "$ro"

# --- 12. every numeric setting is range-checked wherever it comes from: exit 2,
# the source named, nothing written
before=$(sqlite3 "$db" .dump | sha256sum)
printf '[sync]\nmin-ratio=2\n' >"$TEST_TMP/bad-ratio.conf"
printf '[ingest]\nmax-long-description=63\n' >"$TEST_TMP/bad-long.conf"
while IFS='|' read -r env args message; do
  # shellcheck disable=SC2086
  env $env fdnix-metadata --input "$small" $args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  check "[ $status = 2 ]" "'$env $args': exit $status, not 2 ($(cat "$TEST_TMP/err"))"
  grep -qF -- "$message" "$TEST_TMP/err" || fail "'$env $args': no \"$message\" in: $(cat "$TEST_TMP/err")"
done <<EOF
|--min-ratio=-1|option --min-ratio: '-1' is out of range (0 to 1)
|--min-ratio=nan|option --min-ratio: 'nan' is not a finite number
|--min-ratio=inf|option --min-ratio: 'inf' is not a finite number
|--min-ratio=1e300|option --min-ratio: '1e300' is out of range (0 to 1)
FDNIX_MIN_RATIO=-0.5||environment variable FDNIX_MIN_RATIO: '-0.5' is out of range
FDNIX_CONFIG=$TEST_TMP/bad-ratio.conf||bad-ratio.conf: [sync] min-ratio: '2' is out of range (0 to 1)
|--min-packages=-1|option --min-packages: '-1' is out of range (at least 0)
FDNIX_CONFIG=$TEST_TMP/bad-long.conf||[ingest] max-long-description: '63' is out of range (64 to 1073741824)
FDNIX_MAX_LONG_DESCRIPTION=10||environment variable FDNIX_MAX_LONG_DESCRIPTION: '10' is out of range
FDNIX_MAX_ENTRY_SIZE=0||environment variable FDNIX_MAX_ENTRY_SIZE: '0' is out of range (1 to 4294967296)
FDNIX_MAX_ENTRY_SIZE=-5||FDNIX_MAX_ENTRY_SIZE: '-5' is out of range
|--nix-timeout=-1|option --nix-timeout: '-1' is out of range (0 to 604800)
FDNIX_VERBOSITY=7||environment variable FDNIX_VERBOSITY: '7' is out of range (0 to 2)
FDNIX_VERBOSITY=-1||FDNIX_VERBOSITY: '-1' is out of range (0 to 2)
EOF
check '[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ]' "a usage error changed the table"
for args in "--min-ratio=-1" "--min-packages=-3" "--vectors-per-file=0" "--max-requests=-1"; do
  # shellcheck disable=SC2086
  run 2 fdnix-embed $args
done
run 2 fdnix-search --limit=0 ripgrep
run 2 fdnix-search --min-score=nan ripgrep
# -vvv asks for the most there is, which is allowed
run 0 fdnix-search -vvv ripgrep

# --- 21. fdnix-metadata -o FILE follows the umask, like any new file
for mask in 022 077 002; do
  (umask $mask && fdnix-metadata --input "$small" -o "$TEST_TMP/out-$mask.jsonl" 2>/dev/null) \
    || fail "fdnix-metadata -o with umask $mask"
done
check '[ "$(stat -c %a "$TEST_TMP/out-022.jsonl")" = 644 ]' "umask 022: mode $(stat -c %a "$TEST_TMP/out-022.jsonl")"
check '[ "$(stat -c %a "$TEST_TMP/out-077.jsonl")" = 600 ]' "umask 077: mode $(stat -c %a "$TEST_TMP/out-077.jsonl")"
check '[ "$(stat -c %a "$TEST_TMP/out-002.jsonl")" = 664 ]' "umask 002: mode $(stat -c %a "$TEST_TMP/out-002.jsonl")"
check '[ -s "$TEST_TMP/out-077.jsonl" ]' "-o wrote nothing"
echo "ok"
