#!/bin/bash
# fdnix-search with the table in DynamoDB (dynalite behind a counting proxy)
# and the snapshot in S3 (s3rver): with the search bundle fdnix-embed
# publishes, a search sends not one request to DynamoDB (no Scan); with
# an index that lists no bundle (an older fdnix-embed's), it falls back to
# scanning the table, and the proxy sees those Scans.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq node curl python3
[ -x /usr/bin/aws ] || skip "the AWS CLI (/usr/bin/aws) is not installed"
modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
[ -f "$modules/s3rver/bin/s3rver.js" ] || skip "s3rver is not installed"
need_metadata_dynamodb
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"

# s3rver's fixed credentials (dynalite takes any)
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
start_dynalite dynalite
start_fault_proxy FAULT_PROXY "$dynalite"
port=$(free_port)
mkdir -p "$TEST_TMP/s3"
start_server s3rver "$port" node --openssl-legacy-provider "$modules/s3rver/bin/s3rver.js" \
  -d "$TEST_TMP/s3" -a 127.0.0.1 -p "$port" --configure-bucket fdnix-vectors
s3=http://127.0.0.1:$port
s3api () {
  /usr/bin/aws --endpoint-url "$s3" --region us-east-1 s3api "$@"
}

export DYNAMODB_TABLE=fdnix-bundle S3_BUCKET=fdnix-vectors
export AWS_ENDPOINT_URL_DYNAMODB=$FAULT_PROXY AWS_ENDPOINT_URL_S3=$s3
export FDNIX_DATA_DIR="$TEST_TMP/no-local-files"
fdnix-metadata --input "$fixture" --min-packages 1 --create-table 2>"$TEST_TMP/meta.log" \
  || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta.log")"
fdnix-embed --vectors-per-file 10 2>"$TEST_TMP/embed.log" || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed.log")"
bundle=$(s3api list-objects-v2 --bucket fdnix-vectors --prefix search-bundle/ --query 'Contents[0].Key' --output text)
case $bundle in search-bundle/bundle_*.bin) ;; *) fail "no search bundle in the bucket: $bundle" ;; esac

scans_before=$(proxy_stat requests.Scan)
requests_before=$(curl -s "$FAULT_PROXY/__fault_proxy/stats" | jq '[.requests[]] | add')
check "[ $scans_before -gt 0 ]" "the proxy counted no Scan of fdnix-embed's (is it in the path?)"
fdnix-search --json --limit 2 --summary-json "$TEST_TMP/summary.json" -v --log-format=text rg \
  >"$TEST_TMP/out" 2>"$TEST_TMP/err" || fail "search: $(cat "$TEST_TMP/err")"
check "[ \"\$(jq -r .packageName $TEST_TMP/out | head -1)\" = ripgrep ]" "rg: $(cat "$TEST_TMP/out")"
grep -q "from $bundle" "$TEST_TMP/err" || fail "the search did not read the bundle: $(cat "$TEST_TMP/err")"
scans=$(proxy_stat requests.Scan)
requests=$(curl -s "$FAULT_PROXY/__fault_proxy/stats" | jq '[.requests[]] | add')
check "[ $scans -eq $scans_before ]" "the search scanned the table: $((scans - scans_before)) Scan(s)"
check "[ $requests -eq $requests_before ]" "the search sent $((requests - requests_before)) DynamoDB request(s)"
jq -e '.counts.packages == 45 and .counts.vectors == 45' "$TEST_TMP/summary.json" >/dev/null \
  || fail "summary: $(cat "$TEST_TMP/summary.json")"

# an index without the bundle (as an older fdnix-embed wrote it): the
# table is scanned instead, and the answer is the same
s3api get-object --bucket fdnix-vectors --key vector-index/index.json.gz "$TEST_TMP/index.json.gz" >/dev/null \
  || fail "get-object index"
zcat "$TEST_TMP/index.json.gz" | jq -c 'del(.search_bundle)' | gzip -n >"$TEST_TMP/old-index.json.gz"
s3api put-object --bucket fdnix-vectors --key vector-index/index.json.gz --body "$TEST_TMP/old-index.json.gz" \
  >/dev/null || fail "put-object index"
fdnix-search --json --limit 2 --log-format=text rg >"$TEST_TMP/out2" 2>"$TEST_TMP/err2" \
  || fail "search without a bundle: $(cat "$TEST_TMP/err2")"
cmp -s "$TEST_TMP/out" "$TEST_TMP/out2" || fail "the table gives another answer than the bundle"
grep -q "lists no search bundle" "$TEST_TMP/err2" || fail "no word of the fallback: $(cat "$TEST_TMP/err2")"
scans_after=$(proxy_stat requests.Scan)
check "[ $scans_after -gt $scans ]" "the fallback made no Scan (the count proves nothing)"
exit 0
