#!/bin/bash
# fdnix-search --serve with the snapshot in S3 (s3rver, which checks
# SigV4): the vector index is polled with If-None-Match on its ETag, so an
# unchanged index is answered 304 without its body; a new snapshot
# published by fdnix-embed is loaded and served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve-lib.sh"
need jq curl node
modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
[ -f "$modules/s3rver/bin/s3rver.js" ] || skip "s3rver is not installed"

export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
bucket=fdnix-vectors
port=$(free_port)
mkdir -p "$TEST_TMP/s3"
start_server s3rver "$port" node --openssl-legacy-provider "$modules/s3rver/bin/s3rver.js" \
  -d "$TEST_TMP/s3" -a 127.0.0.1 -p "$port" --configure-bucket "$bucket"
export S3_BUCKET=$bucket S3_PREFIX=nightly AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port"

fixture=$(serve_fixture)
serve_snapshot "$fixture"
check "[ ! -e '$FDNIX_DATA_DIR/vector-index' ]" "the index went to the local directory"
start_serve --reload-interval 0.2 -vv
run1=$(curl -s "$SERVE_URL/healthz" | jq -r .snapshot)
check "[ \"\$(curl -s '$SERVE_URL/v1/search?q=rg' | jq -r '.results[0].attributePath')\" = ripgrep ]" "rg from S3"
sleep 1.5
n304=$(grep -c 'GetObject.*HTTP 304' "$TEST_TMP/serve.log" || true)
check "[ $n304 -ge 3 ]" "the unchanged index was not answered 304 while polled ($n304 times): $(grep GetObject "$TEST_TMP/serve.log" | tail -3)"

jq '. + {"fdnixS3Probe": {"meta": {"available": true, "broken": false, "description": "zzsthree canary"},
      "name": "fdnixS3Probe-1.0", "pname": "fdnixS3Probe", "version": "1.0"}}' "$fixture" >"$TEST_TMP/fixture2.json"
serve_snapshot "$TEST_TMP/fixture2.json"
for _ in $(seq 1 100); do
  found=$(curl -s "$SERVE_URL/v1/search?q=zzsthree" | jq -r '.results[0].attributePath // empty')
  [ "$found" = fdnixS3Probe ] && break
  sleep 0.1
done
check "[ \"$found\" = fdnixS3Probe ]" "the new snapshot in S3 is not served: '$found'"
run2=$(curl -s "$SERVE_URL/healthz" | jq -r .snapshot)
check "[ \"$run1\" != \"$run2\" ]" "/healthz still names $run1"
grep -q "serving snapshot $run2" "$TEST_TMP/serve.log" || fail "no log line for $run2"
exit 0
