#!/bin/bash
# Only fdnix-metadata creates a DynamoDB table: fdnix-embed and fdnix-search
# given a table that does not exist (a typo, another account) fail with one
# error naming it, even with --create-table, and create nothing (checked
# with DescribeTable on dynalite).
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
need_metadata_dynamodb
need python3 jq
call="$FDNIX_BUILDDIR/tests/fdnix-aws-call"
[ -x "$call" ] || skip "tests/fdnix-aws-call is not built"
: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_LOG_FORMAT=text
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
input="$FDNIX_TESTS_SRCDIR/data/metadata/small.json"

start_dynalite ddb

# table_exists NAME: DescribeTable answers 200 (or ResourceNotFoundException)
table_exists () {
  if "$call" --service dynamodb --endpoint "$ddb" --operation DescribeTable \
       --header X-Amz-Target:DynamoDB_20120810.DescribeTable \
       --header Content-Type:application/x-amz-json-1.0 --body "{\"TableName\":\"$1\"}" >"$TEST_TMP/describe" 2>&1; then
    return 0
  fi
  grep -q ResourceNotFoundException "$TEST_TMP/describe" || fail "DescribeTable $1: $(cat "$TEST_TMP/describe")"
  return 1
}

for prog in fdnix-embed fdnix-search; do
  args=""
  [ $prog = fdnix-search ] && args=hello
  # shellcheck disable=SC2086
  $prog --dynamodb-table fdnix-typo --create-table --endpoint-url "$ddb" $args \
    >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  check "[ $status = 1 ]" "$prog on a missing table: exit $status ($(cat "$TEST_TMP/err"))"
  check '[ "$(grep -c error: "$TEST_TMP/err")" = 1 ]' "$prog: not one error line: $(cat "$TEST_TMP/err")"
  grep -q "error: DynamoDB table fdnix-typo does not exist .*run fdnix-metadata --create-table" "$TEST_TMP/err" \
    || fail "$prog: the error does not explain itself: $(cat "$TEST_TMP/err")"
  table_exists fdnix-typo && fail "$prog --create-table created the table"
  check "[ ! -e '$FDNIX_DATA_DIR/vector-index' ]" "$prog published an index"
done

# fdnix-metadata does create it when asked
fdnix-metadata --input "$input" --dynamodb-table fdnix-typo --create-table --endpoint-url "$ddb" \
  2>"$TEST_TMP/meta.err" || fail "fdnix-metadata --create-table: $(cat "$TEST_TMP/meta.err")"
table_exists fdnix-typo || fail "fdnix-metadata --create-table made no table"
fdnix-embed --dynamodb-table fdnix-typo --endpoint-url "$ddb" 2>"$TEST_TMP/embed.err" \
  || fail "fdnix-embed on the created table: $(cat "$TEST_TMP/embed.err")"
echo "ok"
