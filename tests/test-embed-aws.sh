#!/bin/bash
# fdnix-embed as it runs in AWS, against local stand-ins: the package table
# in DynamoDB (Amazon's DynamoDB Local), vector files in S3 (s3rver), Cohere
# embeddings from the Bedrock test server.  Four shard tasks side by side,
# then the index step, as the Step Functions Map runs them; then a change
# and a rerun.  The snapshot is checked against the table each time.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
need jq python3 node curl
/usr/bin/python3 -c 'import botocore' 2>/dev/null || skip "python3-botocore is not installed"
modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
[ -f "$modules/s3rver/bin/s3rver.js" ] || skip "s3rver is not installed"
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"

# one set of credentials for all three (s3rver insists on its own)
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
start_dynamodb_local ddb
start_s3rver s3 fdnix-vectors
port=$(free_port)
start_server bedrock "$port" /usr/bin/python3 "$FDNIX_TESTS_SRCDIR/servers/bedrock-server.py" \
  --port "$port" --throttle-every 11
bedrock=http://127.0.0.1:$port

export DYNAMODB_TABLE=fdnix-packages S3_BUCKET=fdnix-vectors BEDROCK_MODEL_ID=cohere.embed-english-v3
export AWS_ENDPOINT_URL_DYNAMODB=$ddb AWS_ENDPOINT_URL_S3=$s3 AWS_ENDPOINT_URL_BEDROCK_RUNTIME=$bedrock
export FDNIX_DATA_DIR="$TEST_TMP/no-local-files"

M=800
python3 "$records" $M >"$TEST_TMP/r1.jsonl"
"$embed_tool" --create-table load "$TEST_TMP/r1.jsonl" >/dev/null 2>"$TEST_TMP/load.log" \
  || fail "loading DynamoDB: $(tail -3 "$TEST_TMP/load.log")"

# four shard tasks at once, then the index step
pids=""
for k in 0 1 2 3; do
  fdnix-embed --shard $k/4 --summary-json "$TEST_TMP/shard$k.json" --log-format=json 2>"$TEST_TMP/shard$k.log" &
  pids="$pids $!"
done
for pid in $pids; do
  wait "$pid" || fail "a shard failed: $(grep -h '"error"' "$TEST_TMP"/shard*.log | head -3)"
done
total=0
for k in 0 1 2 3; do
  total=$((total + $(jq .counts.embedded "$TEST_TMP/shard$k.json")))
done
check "[ $total -eq $M ]" "the shards embedded $total packages, not $M once each"
fdnix-embed --index-only --summary-json "$TEST_TMP/index.json" --log-format=json 2>"$TEST_TMP/index.log" \
  || fail "index step: $(grep '"error"' "$TEST_TMP/index.log" | tail -3)"
check "[ ! -e '$FDNIX_DATA_DIR/vectors' ]" "vector files went to the local directory"
stats=$(curl -sf "$bedrock/__stats")
echo "# Bedrock: $stats" >&2
echo "$stats" | jq -e ".bad_signatures == 0 and .texts == $M" >/dev/null || fail "Bedrock saw: $stats"
"$embed_tool" verify >"$TEST_TMP/v1.json" 2>"$TEST_TMP/v1.err" || fail "snapshot: $(head -5 "$TEST_TMP/v1.err")"
jq -e ".records == $M and .vectors == $M" "$TEST_TMP/v1.json" >/dev/null || fail "$(cat "$TEST_TMP/v1.json")"

# nothing to do
fdnix-embed --summary-json "$TEST_TMP/again.json" 2>/dev/null || fail "rerun"
jq -e '.counts.embedded == 0 and .counts.files_written == 0 and .counts.index_written == 0' \
  "$TEST_TMP/again.json" >/dev/null || fail "rerun wrote: $(jq -c .counts "$TEST_TMP/again.json")"

# a change: descriptions, versions alone, removals
python3 "$records" $M --text-changed 0:40 --version-changed 100:150 --removed 300:330 \
  >"$TEST_TMP/r2.jsonl"
"$embed_tool" load "$TEST_TMP/r2.jsonl" >/dev/null || fail "loading the change"
fdnix-embed --summary-json "$TEST_TMP/change.json" 2>"$TEST_TMP/change.log" \
  || fail "after the change: $(tail -3 "$TEST_TMP/change.log")"
jq -e '.counts.embedded == 40 and .counts.index_written == 1' "$TEST_TMP/change.json" >/dev/null \
  || fail "after the change: $(jq -c .counts "$TEST_TMP/change.json")"
"$embed_tool" verify >"$TEST_TMP/v2.json" 2>"$TEST_TMP/v2.err" || fail "snapshot after the change: $(head -5 "$TEST_TMP/v2.err")"
jq -e ".records == $((M - 30)) and .vectors == $((M - 30))" "$TEST_TMP/v2.json" >/dev/null \
  || fail "$(cat "$TEST_TMP/v2.json")"
exit 0
