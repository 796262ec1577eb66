#!/bin/bash
# fdnix-embed against an OpenAI-compatible test server: the dimension is
# learnt with one probe, texts go in batches, items are placed by their
# index, throttling (429) is retried, the API key is sent and never logged,
# a wrong key or model fails with the server's message.
. "$(dirname "$0")/lib.sh"

# the server takes 32 texts at most; so must we
printf '[openai]\nmax-texts=32\n' >"$TEST_TMP/fdnix.conf"
export FDNIX_CONFIG="$TEST_TMP/fdnix.conf"
need jq python3 curl
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"
key="sk-fdnix-test-$(date +%s%N)"

port=$(free_port)
start_server openai "$port" python3 "$FDNIX_TESTS_SRCDIR/servers/openai-server.py" --port "$port" \
  --model test-embed --dimension 384 --api-key "$key" --max-inputs 32 --throttle-every 9
stats () { curl -sf "http://127.0.0.1:$port/__stats"; }

export FDNIX_DATA_DIR="$TEST_TMP/data"
export OPENAI_BASE_URL="http://127.0.0.1:$port/v1"
export FDNIX_OPENAI_MODEL=test-embed
export OPENAI_API_KEY="$key"
python3 "$records" 500 >"$TEST_TMP/r1.jsonl"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load"

fdnix-embed -vv --log-format=json --summary-json "$TEST_TMP/s1.json" 2>"$TEST_TMP/run.log" \
  || fail "run: $(grep error "$TEST_TMP/run.log" | tail -3)"
stats >"$TEST_TMP/stats.json"
# one probe, then ceil(500/32) = 16 batches, plus the throttled retries
jq -e '.texts == 501 and .ok == 17 and .requests == 17 + .throttled and .throttled > 0 and
       .unauthorized == 0 and .invalid == 0' "$TEST_TMP/stats.json" >/dev/null \
  || fail "server saw: $(cat "$TEST_TMP/stats.json")"
jq -e '.counts.embedded == 500 and .retries.openai > 0' "$TEST_TMP/s1.json" >/dev/null \
  || fail "summary: $(jq -c '.counts, .retries' "$TEST_TMP/s1.json")"
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -e '.vector_dimension == 384 and
  .metadata.model == "test-embed" and .metadata.embedder == "openai"' >/dev/null || fail "index metadata"
"$embed_tool" verify >/dev/null 2>"$TEST_TMP/verify.err" \
  || fail "snapshot: $(head -5 "$TEST_TMP/verify.err")"
grep -q "$key" "$TEST_TMP/run.log" && fail "the API key reached the log"

# a wrong key: the server's message, exit 1, not retried
OPENAI_API_KEY=sk-wrong fdnix-embed --log-format=text 2>"$TEST_TMP/wrong.log"
status=$?
check "[ $status -eq 1 ]" "wrong key: exit $status"
grep -q "error: .*HTTP 401.*Incorrect API key" "$TEST_TMP/wrong.log" || fail "wrong key: $(cat "$TEST_TMP/wrong.log")"
grep -q "sk-wrong" "$TEST_TMP/wrong.log" && fail "the wrong key reached the log"

# an unknown model
FDNIX_OPENAI_MODEL=nope fdnix-embed --log-format=text 2>"$TEST_TMP/model.log"
status=$?
check "[ $status -eq 1 ]" "unknown model: exit $status"
grep -q "model 'nope' not found" "$TEST_TMP/model.log" || fail "unknown model: $(cat "$TEST_TMP/model.log")"

# a configured dimension is asked for, and is part of the model id
export FDNIX_DATA_DIR="$TEST_TMP/sized"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load"
fdnix-embed --dimension 64 2>/dev/null || fail "sized run"
zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -e '.vector_dimension == 64 and
  .metadata.model == "test-embed@64"' >/dev/null || fail "sized index metadata"
exit 0
