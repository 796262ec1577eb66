#!/bin/bash
# fdnix-metadata as a command-line citizen: GNU --help/--version, exit
# statuses, configuration precedence, JSON lines output, summaries, write
# errors, and bad input that fails cleanly without touching the store.
. "$(dirname "$0")/lib.sh"
need jq sqlite3 gzip

small="$FDNIX_TESTS_SRCDIR/data/metadata/small.json"
db="$TEST_TMP/db.sqlite"

expect_status () {
  want=$1; shift
  set +e
  "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  got=$?
  set -e
  [ "$got" = "$want" ] || { cat "$TEST_TMP/err" >&2; fail "exit status $got, expected $want: $*"; }
}

# --- GNU conventions
expect_status 0 fdnix-metadata --help
grep -q '^Usage:' "$TEST_TMP/out" || fail "--help prints usage on stdout"
check '[ ! -s "$TEST_TMP/err" ]' "--help writes nothing on stderr"
expect_status 0 fdnix-metadata --version
grep -Eq '^fdnix-metadata \(fdnix\) [0-9]+\.[0-9]+' "$TEST_TMP/out" || fail "--version format"
expect_status 2 fdnix-metadata --no-such-option
grep -q "Try 'fdnix-metadata --help'" "$TEST_TMP/err" || fail "usage error hints at --help"
expect_status 2 fdnix-metadata stray-argument
expect_status 2 fdnix-metadata --min-ratio=lots --input "$small"
grep -q "option --min-ratio: 'lots' is not a number" "$TEST_TMP/err" || fail "bad value names the option"
expect_status 2 fdnix-metadata --log-format=xml --input "$small"

# --- a first load into the default data directory (XDG_DATA_HOME)
expect_status 0 fdnix-metadata --input "$small" --summary-json "$TEST_TMP/s1.json"
default_db="$XDG_DATA_HOME/fdnix/fdnix.sqlite"
check '[ -f "$default_db" ]' "default store under \$XDG_DATA_HOME/fdnix"
check '[ "$(sqlite3 "$default_db" "select count(*) from packages")" = 20 ]' "20 packages stored"
check '[ "$(jq -r .status "$TEST_TMP/s1.json")" = ok ]' "summary status"
check '[ "$(jq -r .counts.written "$TEST_TMP/s1.json")" = 20 ]' "summary written"
check '[ "$(jq -r .exit_status "$TEST_TMP/s1.json")" = 0 ]' "summary exit status"
# positions from /build/nixpkgs are made relative
check '[ "$(sqlite3 "$default_db" "select position from packages where packageName = '"'"'tools.alpha-tool'"'"'")" = pkgs/by-name/al/alpha-tool/package.nix:10 ]' "position made relative"
# logs are JSON lines when stderr is not a terminal
grep -q '^{"time":' "$TEST_TMP/err" || fail "JSON log lines by default off a terminal"

# --- precedence: default < file < environment < command line
cat > "$TEST_TMP/fdnix.conf" <<CONF
[store]
path=$TEST_TMP/from-file.sqlite
CONF
expect_status 0 fdnix-metadata --config "$TEST_TMP/fdnix.conf" --input "$small"
check '[ -f "$TEST_TMP/from-file.sqlite" ]' "config file sets the database"
FDNIX_DATABASE="$TEST_TMP/from-env.sqlite" expect_status 0 fdnix-metadata --config "$TEST_TMP/fdnix.conf" --input "$small"
check '[ -f "$TEST_TMP/from-env.sqlite" ]' "environment beats the config file"
FDNIX_DATABASE="$TEST_TMP/from-env2.sqlite" expect_status 0 fdnix-metadata --config "$TEST_TMP/fdnix.conf" --input "$small" --database "$TEST_TMP/from-cli.sqlite"
check '[ -f "$TEST_TMP/from-cli.sqlite" ] && [ ! -f "$TEST_TMP/from-env2.sqlite" ]' "command line beats the environment"
FDNIX_CONFIG="$TEST_TMP/fdnix.conf" FDNIX_DATABASE= expect_status 0 fdnix-metadata --input "$small" --summary-json "$TEST_TMP/s2.json"
check '[ "$(jq -r .counts.written "$TEST_TMP/s2.json")" = 0 ]' "FDNIX_CONFIG names the file; an empty variable is unset"
printf '[sync]\nmin-ratio=much\n' > "$TEST_TMP/bad.conf"
expect_status 2 fdnix-metadata --config "$TEST_TMP/bad.conf" --input "$small"
grep -q "bad.conf: \[sync\] min-ratio: 'much' is not a number" "$TEST_TMP/err" || fail "bad config value names file and key"
expect_status 2 fdnix-metadata --config "$TEST_TMP/nonexistent.conf" --input "$small"

# --- JSON lines output, gzip input, stdin
gzip -c "$small" > "$TEST_TMP/small.json.gz"
expect_status 0 fdnix-metadata --input "$TEST_TMP/small.json.gz" --output -
check '[ "$(wc -l < "$TEST_TMP/out")" = 20 ]' "20 JSON lines"
check '[ "$(jq -r .packageName "$TEST_TMP/out" | sort | head -1)" = bravo-tool ]' "records in JSON lines"
check '[ "$(jq -r "select(.packageName == \"tools.alpha-tool\") | .license.spdxId" "$TEST_TMP/out")" = MIT ]' "license in JSON form"
expect_status 0 sh -c "cat '$small' | fdnix-metadata --input - --output '$TEST_TMP/records.jsonl'"
check '[ "$(wc -l < "$TEST_TMP/records.jsonl")" = 20 ]' "stdin to a file"
expect_status 1 sh -c "fdnix-metadata --input '$small' --output - --log-format=text > /dev/full"
grep -q 'error: standard output: write error' "$TEST_TMP/err" || fail "a full disk on stdout is a reported error"
expect_status 2 fdnix-metadata --input "$small" --output - --summary-json -
# a pipe (or device) is written in place, never replaced by a file
mkfifo "$TEST_TMP/fifo" "$TEST_TMP/summary-fifo"
cat "$TEST_TMP/fifo" > "$TEST_TMP/from-fifo" &
cat "$TEST_TMP/summary-fifo" > "$TEST_TMP/summary-from-fifo" &
expect_status 0 fdnix-metadata --input "$small" --output "$TEST_TMP/fifo" --summary-json "$TEST_TMP/summary-fifo"
wait
check '[ -p "$TEST_TMP/fifo" ] && [ -p "$TEST_TMP/summary-fifo" ]' "FIFOs are still FIFOs"
check '[ "$(wc -l < "$TEST_TMP/from-fifo")" = 20 ]' "records went through the FIFO"
check '[ "$(jq -r .status "$TEST_TMP/summary-from-fifo")" = ok ]' "summary went through the FIFO"

# --- bad input: clear error with offset, exit 1, store byte for byte as before
before=$(sqlite3 "$default_db" .dump | sha256sum)
head -c 9000 "$small" > "$TEST_TMP/truncated.json"
expect_status 1 fdnix-metadata --input "$TEST_TMP/truncated.json" --log-format=text
grep -q 'error: .*truncated.json.*byte' "$TEST_TMP/err" || { cat "$TEST_TMP/err"; fail "truncation error names file and byte offset"; }
head -c $(( $(stat -c %s "$TEST_TMP/small.json.gz") / 2 )) "$TEST_TMP/small.json.gz" > "$TEST_TMP/truncated.json.gz"
expect_status 1 fdnix-metadata --input "$TEST_TMP/truncated.json.gz" --log-format=text
printf '{"a": {"name": "x"}} trailing garbage' > "$TEST_TMP/garbage.json"
expect_status 1 fdnix-metadata --input "$TEST_TMP/garbage.json" --log-format=text
expect_status 1 fdnix-metadata --input "$TEST_TMP/missing.json" --log-format=text
grep -q 'missing.json' "$TEST_TMP/err" || fail "missing input file is named"
check '[ "$(sqlite3 "$default_db" .dump | sha256sum)" = "$before" ]' "store unchanged by failed runs"

# --- the package floor: a much smaller input writes and deletes nothing
jq 'to_entries | .[0:3] | from_entries' "$small" > "$TEST_TMP/three.json"
expect_status 1 fdnix-metadata --input "$TEST_TMP/three.json" --log-format=text --summary-json "$TEST_TMP/s3.json"
grep -q 'only 3 packages read' "$TEST_TMP/err" || fail "floor error explains itself"
check '[ "$(jq -r .status "$TEST_TMP/s3.json")" = failed ]' "summary written on failure"
check '[ "$(sqlite3 "$default_db" .dump | sha256sum)" = "$before" ]' "store unchanged below the floor"
expect_status 0 fdnix-metadata --input "$TEST_TMP/three.json" --dry-run --min-ratio 0 --log-format=text
grep -q 'would write 0 and delete 17' "$TEST_TMP/err" || { cat "$TEST_TMP/err"; fail "dry run reports what it would do"; }
check '[ "$(sqlite3 "$default_db" .dump | sha256sum)" = "$before" ]' "dry run writes nothing"
expect_status 0 fdnix-metadata --input "$TEST_TMP/three.json" --min-ratio 0 --summary-json "$TEST_TMP/s4.json"
check '[ "$(jq -r .counts.deleted "$TEST_TMP/s4.json")" = 17 ]' "a deliberate shrink deletes"
exit 0
