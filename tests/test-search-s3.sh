#!/bin/bash
# fdnix-search with the vector files in S3 (s3rver, which checks SigV4):
# fdnix-embed writes the snapshot to the bucket, fdnix-search reads it
# from there (nothing local but the table), checks it and answers; a file
# changed in the bucket is refused.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq node
[ -x /usr/bin/aws ] || skip "the AWS CLI (/usr/bin/aws) is not installed"
fixture="$FDNIX_TESTS_SRCDIR/data/search/packages.json"

# s3rver's fixed credentials
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
bucket=fdnix-vectors
start_s3rver endpoint "$bucket"
s3api () {
  /usr/bin/aws --endpoint-url "$endpoint" --region us-east-1 s3api "$@"
}

export FDNIX_DATA_DIR="$TEST_TMP/data"
export S3_BUCKET=$bucket S3_PREFIX=nightly
export AWS_ENDPOINT_URL_S3=$endpoint
fdnix-metadata --input "$fixture" --min-packages 1 2>"$TEST_TMP/meta.log" || fail "fdnix-metadata: $(tail -3 "$TEST_TMP/meta.log")"
fdnix-embed --vectors-per-file 10 2>"$TEST_TMP/embed.log" || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed.log")"
check "[ ! -e '$FDNIX_DATA_DIR/vectors' ]" "vector files went to the local directory"

fdnix-search --json --limit 2 --summary-json "$TEST_TMP/summary.json" -v --log-format=text rg \
  >"$TEST_TMP/out" 2>"$TEST_TMP/err" || fail "search from S3: $(cat "$TEST_TMP/err")"
check "[ \"\$(jq -r .packageName $TEST_TMP/out | head -1)\" = ripgrep ]" "rg: $(cat "$TEST_TMP/out")"
grep -q "s3://$bucket/nightly" "$TEST_TMP/err" || fail "the run did not say it read S3: $(cat "$TEST_TMP/err")"
jq -e '.counts.files == 5 and .counts.vectors == 45 and .counts.bytes_read > 0' "$TEST_TMP/summary.json" >/dev/null \
  || fail "summary: $(cat "$TEST_TMP/summary.json")"

# a batch file replaced in the bucket (same key, other bytes): refused
key=$(s3api list-objects-v2 --bucket "$bucket" --prefix nightly/vectors/ --query 'Contents[0].Key' --output text)
s3api get-object --bucket "$bucket" --key "$key" "$TEST_TMP/file.json.gz" >/dev/null || fail "get-object $key"
zcat "$TEST_TMP/file.json.gz" | sed 's/"vector":\[0/"vector":[1/' | gzip -n -9 >"$TEST_TMP/changed.json.gz"
s3api put-object --bucket "$bucket" --key "$key" --body "$TEST_TMP/changed.json.gz" >/dev/null || fail "put-object"
fdnix-search --log-format=text rg >"$TEST_TMP/out" 2>"$TEST_TMP/err"
status=$?
check "[ $status -eq 1 ]" "changed file in S3: exit $status"
grep -q "error: ${key#nightly/}: .*the index says" "$TEST_TMP/err" || fail "changed file: $(cat "$TEST_TMP/err")"
exit 0
