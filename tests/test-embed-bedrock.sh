#!/bin/bash
# fdnix-embed against the project's Bedrock test server (InvokeModel, every
# signature checked by botocore): Cohere embed v3 in batches of 96 with
# injected throttling (requests = ceil(M/96) + retries), Titan v2 one text
# per request at 256 dimensions, and the failures: a service that keeps
# failing, refused credentials.  No secret reaches a log line.
. "$(dirname "$0")/lib.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
need jq python3 curl
/usr/bin/python3 -c 'import botocore' 2>/dev/null || skip "python3-botocore is not installed"
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"
server="$FDNIX_TESTS_SRCDIR/servers/bedrock-server.py"

start_bedrock () {
  name=$1; shift
  port=$(free_port)
  start_server "$name" "$port" /usr/bin/python3 "$server" --port "$port" "$@"
  export AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:$port"
}
stats () {
  curl -sf "$AWS_ENDPOINT_URL_BEDROCK_RUNTIME/__stats"
}

# --- Cohere: M = 1000 packages, every 7th request throttled
M=1000
export FDNIX_DATA_DIR="$TEST_TMP/cohere"
export BEDROCK_MODEL_ID=cohere.embed-english-v3
python3 "$records" $M >"$TEST_TMP/r1.jsonl"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load"
start_bedrock cohere --throttle-every 7
fdnix-embed -vv --log-format=json --summary-json "$TEST_TMP/s1.json" 2>"$TEST_TMP/cohere.log" \
  || fail "Cohere run: $(grep error "$TEST_TMP/cohere.log" | tail -3)"
stats >"$TEST_TMP/stats1.json"
throttled=$(jq .throttled "$TEST_TMP/stats1.json")
requests=$(jq .requests "$TEST_TMP/stats1.json")
expected=$(( (M + 95) / 96 + throttled ))
check "[ $throttled -gt 0 ]" "the server throttled nothing"
check "[ $requests -eq $expected ]" "$requests requests for $M packages, expected ceil($M/96) + $throttled retries = $expected"
jq -e ".bad_signatures == 0 and .invalid == 0 and .texts == $M" "$TEST_TMP/stats1.json" >/dev/null \
  || fail "server saw bad requests: $(cat "$TEST_TMP/stats1.json")"
jq -e ".counts.embedded == $M and .counts.requests == $requests and .retries.bedrock == $throttled" \
  "$TEST_TMP/s1.json" >/dev/null || fail "summary: $(jq -c '.counts, .retries' "$TEST_TMP/s1.json")"
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -e '.vector_dimension == 1024 and
  .metadata.model == "cohere.embed-english-v3" and .metadata.embedder == "bedrock"' >/dev/null \
  || fail "index metadata"
# the stored vectors are the server's for each text (the checker asks again)
"$embed_tool" verify >"$TEST_TMP/v1.json" 2>"$TEST_TMP/v1.err" || fail "snapshot: $(head -5 "$TEST_TMP/v1.err")"
# no credential in any log line, even at -vv
grep -q "$AWS_SECRET_ACCESS_KEY" "$TEST_TMP/cohere.log" && fail "the secret key reached the log"
grep -q "Signature=" "$TEST_TMP/cohere.log" && fail "a signature reached the log"

# a rerun sends nothing
before=$(stats | jq .requests)
fdnix-embed --summary-json "$TEST_TMP/s2.json" 2>/dev/null || fail "rerun"
check "[ \"\$(stats | jq .requests)\" = $before ]" "the rerun sent requests"
check "[ \"\$(jq .counts.embedded $TEST_TMP/s2.json)\" = 0 ]" "the rerun embedded"

# --- Titan v2 at 256 dimensions: one text per request
export FDNIX_DATA_DIR="$TEST_TMP/titan"
export BEDROCK_MODEL_ID=amazon.titan-embed-text-v2:0
python3 "$records" 150 >"$TEST_TMP/r2.jsonl"
"$embed_tool" load "$TEST_TMP/r2.jsonl" >/dev/null || fail "load"
start_bedrock titan --throttle-every 25 --latency-ms 5
fdnix-embed --dimension 256 --summary-json "$TEST_TMP/s3.json" 2>"$TEST_TMP/titan.log" \
  || fail "Titan run: $(tail -3 "$TEST_TMP/titan.log")"
stats >"$TEST_TMP/stats3.json"
jq -e ".texts == 150 and .ok == 150 and .requests == 150 + .throttled and .bad_signatures == 0" \
  "$TEST_TMP/stats3.json" >/dev/null || fail "Titan: $(cat "$TEST_TMP/stats3.json")"
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -e '.vector_dimension == 256 and
  .metadata.model == "amazon.titan-embed-text-v2:0@256"' >/dev/null || fail "Titan index metadata"
"$embed_tool" verify --dimension 256 >/dev/null 2>"$TEST_TMP/v3.err" || fail "Titan snapshot: $(head -5 "$TEST_TMP/v3.err")"

# --- a service that keeps failing: bounded retries, exit 1, the old index stays
export FDNIX_DATA_DIR="$TEST_TMP/titan"
python3 "$records" 150 --text-changed 0:20 >"$TEST_TMP/r3.jsonl"
"$embed_tool" load "$TEST_TMP/r3.jsonl" >/dev/null || fail "load"
index_before=$(sha256sum <"$FDNIX_DATA_DIR/vector-index/index.json.gz")
start_bedrock failing --fail-after 0
printf '[embed]\nmax-attempts=3\n' >"$TEST_TMP/retry.conf"
fdnix-embed --config "$TEST_TMP/retry.conf" --concurrency 1 --dimension 256 --log-format=text 2>"$TEST_TMP/fail.log"
status=$?
check "[ $status -eq 1 ]" "failing service: exit $status"
grep -q "error: .*gave up after 3 attempts.*InternalServerException" "$TEST_TMP/fail.log" \
  || fail "failing service: $(grep error "$TEST_TMP/fail.log")"
check "[ \"\$(stats | jq .requests)\" -eq 3 ]" "failing service: more than 3 attempts ($(stats))"
check "[ \"\$(sha256sum <'$FDNIX_DATA_DIR/vector-index/index.json.gz')\" = '$index_before' ]" \
  "a failed run replaced the index"

# --- refused credentials: not retried
start_bedrock refusing
AWS_SECRET_ACCESS_KEY=wrongSecretKey00000000000000000000000000 \
  fdnix-embed --dimension 256 --log-format=text 2>"$TEST_TMP/auth.log"
status=$?
check "[ $status -eq 1 ]" "bad credentials: exit $status"
grep -q "InvalidSignatureException" "$TEST_TMP/auth.log" || fail "bad credentials: $(cat "$TEST_TMP/auth.log")"
check "[ \"\$(stats | jq .requests)\" -le 4 ]" "bad credentials were retried ($(stats))"
grep -q "wrongSecretKey" "$TEST_TMP/auth.log" && fail "the secret key reached the log"
exit 0
