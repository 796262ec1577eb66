#!/bin/bash
# fdnix-embed with vector files in S3 (s3rver, which checks signatures),
# read back with the AWS CLI: the batch files and the index are where the
# original pipeline put them, in its format; a rerun writes nothing; after
# changes, replaced files are deleted from the bucket; a key prefix works.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"
need jq python3 node
[ -x /usr/bin/aws ] || skip "the AWS CLI (/usr/bin/aws) is not installed"
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"

# s3rver's fixed credentials
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
bucket=fdnix-vectors
start_s3rver endpoint "$bucket"
s3api () {
  /usr/bin/aws --endpoint-url "$endpoint" --region us-east-1 s3api "$@"
}
keys () {
  s3api list-objects-v2 --bucket "$bucket" --prefix "$1" --query 'Contents[].Key' --output json \
    | jq -r '.[]?' | sort
}

export FDNIX_DATA_DIR="$TEST_TMP/data"
export S3_BUCKET=$bucket
export AWS_ENDPOINT_URL_S3=$endpoint
python3 "$records" 700 >"$TEST_TMP/r1.jsonl"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load"

fdnix-embed --vectors-per-file 100 --summary-json "$TEST_TMP/s1.json" --log-format=text 2>"$TEST_TMP/run1.log" \
  || fail "first run: $(tail -3 "$TEST_TMP/run1.log")"
grep -q "s3://$bucket/" "$TEST_TMP/run1.log" || fail "the run did not say it used S3"
check "[ ! -e '$FDNIX_DATA_DIR/vectors' ]" "vector files went to the local directory"
check "[ \"\$(keys vectors/ | wc -l)\" = 7 ]" "expected 7 batch files in the bucket: $(keys vectors/)"
check "[ \"\$(keys vector-index/)\" = vector-index/index.json.gz ]" "no index in the bucket"

# read back with the AWS CLI: the index and a file, checked against each other
s3api get-object --bucket "$bucket" --key vector-index/index.json.gz "$TEST_TMP/index.json.gz" >/dev/null \
  || fail "get-object index"
zcat "$TEST_TMP/index.json.gz" | jq -e '.total_vectors == 700 and (.batch_files | length) == 7' >/dev/null \
  || fail "index content"
first=$(zcat "$TEST_TMP/index.json.gz" | jq -r '.batch_files[0].key')
s3api get-object --bucket "$bucket" --key "$first" "$TEST_TMP/first.json.gz" >"$TEST_TMP/head.json" \
  || fail "get-object $first"
check "[ \"\$(jq -r .ContentType $TEST_TMP/head.json)\" = application/gzip ]" "content type"
check "[ \"\$(sha256sum <$TEST_TMP/first.json.gz | cut -d' ' -f1)\" = \"\$(zcat $TEST_TMP/index.json.gz | jq -r '.batch_files[0].sha256')\" ]" \
  "the index's sha256 is not the stored file's"
zcat "$TEST_TMP/first.json.gz" | jq -e '.count == 100 and .dimension == 256 and
  all(.vectors[]; .id == .metadata.packageName + "#" + .metadata.version)' >/dev/null || fail "batch file"
"$embed_tool" verify >/dev/null 2>"$TEST_TMP/v1.err" || fail "snapshot: $(head -5 "$TEST_TMP/v1.err")"

# a rerun writes nothing
fdnix-embed --vectors-per-file 100 --summary-json "$TEST_TMP/s2.json" 2>/dev/null || fail "rerun"
jq -e '.counts.embedded == 0 and .counts.files_written == 0 and .counts.index_written == 0' \
  "$TEST_TMP/s2.json" >/dev/null || fail "rerun: $(jq -c .counts "$TEST_TMP/s2.json")"

# changes: compacted files are replaced, kept for the grace period, then
# deleted from the bucket
python3 "$records" 700 --text-changed 0:30 --removed 400:450 >"$TEST_TMP/r2.jsonl"
"$embed_tool" load "$TEST_TMP/r2.jsonl" >/dev/null || fail "load r2"
before=$(keys vectors/)
fdnix-embed --vectors-per-file 100 --summary-json "$TEST_TMP/s3.json" 2>"$TEST_TMP/run3.log" \
  || fail "third run: $(tail -3 "$TEST_TMP/run3.log")"
# (replaced files stay, named as superseded, for readers of the old index)
jq -e '.counts.embedded == 30 and .counts.files_compacted > 0 and .counts.files_deleted == 0' \
  "$TEST_TMP/s3.json" >/dev/null || fail "third run: $(jq -c .counts "$TEST_TMP/s3.json")"
s3api get-object --bucket "$bucket" --key vector-index/index.json.gz "$TEST_TMP/index2.json.gz" >/dev/null
listed=$(zcat "$TEST_TMP/index2.json.gz" | jq -r '.batch_files[].key' | sort)
kept=$(zcat "$TEST_TMP/index2.json.gz" | jq -r '.superseded_files[].key | select(startswith("vectors/"))' | sort)
check "[ -n \"\$kept\" ]" "the index names no superseded file"
check "[ \"\$(printf '%s\n' \$listed \$kept | sort)\" = \"\$(keys vectors/)\" ]" \
  "the bucket holds files the index neither lists nor names as superseded"
"$embed_tool" verify >/dev/null 2>"$TEST_TMP/v3.err" || fail "snapshot after changes: $(head -5 "$TEST_TMP/v3.err")"
# once their grace is over, a run deletes them from the bucket
fdnix-embed --vectors-per-file 100 --keep-superseded 0 --summary-json "$TEST_TMP/s3b.json" \
  2>"$TEST_TMP/run3b.log" || fail "run after the grace: $(tail -3 "$TEST_TMP/run3b.log")"
jq -e ".counts.embedded == 0 and .counts.files_deleted >= $(echo "$kept" | wc -l)" "$TEST_TMP/s3b.json" \
  >/dev/null || fail "run after the grace: $(jq -c .counts "$TEST_TMP/s3b.json")"
s3api get-object --bucket "$bucket" --key vector-index/index.json.gz "$TEST_TMP/index3.json.gz" >/dev/null
listed=$(zcat "$TEST_TMP/index3.json.gz" | jq -r '.batch_files[].key' | sort)
check "[ \"\$listed\" = \"\$(keys vectors/)\" ]" "the bucket holds files the index does not list"
bundle=$(zcat "$TEST_TMP/index3.json.gz" | jq -r .search_bundle.key)
check "[ \"\$bundle\" = \"\$(keys search-bundle/)\" ]" "the bucket's search bundles: $(keys search-bundle/), listed: $bundle"
check "[ \"\$before\" != \"\$(keys vectors/)\" ]" "no file was replaced"
"$embed_tool" verify >/dev/null 2>"$TEST_TMP/v3.err" || fail "snapshot after the grace: $(head -5 "$TEST_TMP/v3.err")"

# a key prefix keeps everything under it
export S3_PREFIX=nightly/fdnix
export FDNIX_DATA_DIR="$TEST_TMP/data2"
"$embed_tool" load "$TEST_TMP/r1.jsonl" >/dev/null || fail "load"
fdnix-embed --vectors-per-file 300 2>"$TEST_TMP/run4.log" || fail "prefixed run: $(tail -3 "$TEST_TMP/run4.log")"
check "[ \"\$(keys nightly/fdnix/vectors/ | wc -l)\" = 3 ]" "prefixed files: $(keys nightly/)"
check "[ \"\$(keys nightly/fdnix/vector-index/)\" = nightly/fdnix/vector-index/index.json.gz ]" "prefixed index"
"$embed_tool" verify >/dev/null 2>"$TEST_TMP/v4.err" || fail "prefixed snapshot: $(head -5 "$TEST_TMP/v4.err")"

# an unknown access key: S3's error, exit 1
AWS_ACCESS_KEY_ID=AKIDWRONG0000000000 fdnix-embed --log-format=text 2>"$TEST_TMP/auth.log"
status=$?
check "[ $status -eq 1 ]" "wrong S3 credentials: exit $status"
grep -q "SignatureDoesNotMatch\|InvalidAccessKeyId\|AccessDenied" "$TEST_TMP/auth.log" \
  || fail "wrong S3 credentials: $(cat "$TEST_TMP/auth.log")"
exit 0
