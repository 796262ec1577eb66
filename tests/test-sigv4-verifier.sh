#!/bin/bash
# Requests signed by fdnix are accepted by an independent SigV4
# implementation: tests/servers/sigv4_verifier.py recomputes every
# signature with botocore (Debian's python3-botocore) and answers 403 to a
# mismatch.  Covered: DynamoDB (the whole store suite, forwarded to
# dynalite), S3 (payload hash, UNSIGNED-PAYLOAD, encoded keys, query),
# Bedrock (a model id with ':' in the path), session tokens; and a request
# signed with the wrong key is refused.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import botocore' 2>/dev/null \
  || skip "Debian's python3-botocore is not installed"
call="$FDNIX_BUILDDIR/tests/fdnix-aws-call"
[ -x "$call" ] || skip "tests/fdnix-aws-call is not built"

start_dynalite dynalite
port=$(free_port)
start_server verifier "$port" /usr/bin/python3 "$FDNIX_TESTS_SRCDIR/servers/sigv4_verifier.py" \
  --port "$port" --upstream "$dynalite" --log "$TEST_TMP/verifier.jsonl"
verifier=http://127.0.0.1:$port
stats () { curl -s "$verifier/__sigv4/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# S3- and Bedrock-shaped requests are checked and answered by the
# verifier's own stand-in upstream... which is dynalite here, so they are
# checked on a second verifier without upstream.
port2=$(free_port)
start_server verifier2 "$port2" /usr/bin/python3 "$FDNIX_TESTS_SRCDIR/servers/sigv4_verifier.py" \
  --port "$port2" --log "$TEST_TMP/verifier2.jsonl"
standin=http://127.0.0.1:$port2
"$call" --service s3 --endpoint "$standin" --operation PutObject --method PUT \
  --path "/fdnix-vectors/vectors/batch 1:x+y.json.gz" --header "Content-Type:application/gzip" \
  --body "vector bytes" >/dev/null || fail "S3 PutObject refused"
"$call" --service s3 --endpoint "$standin" --operation ListObjectsV2 --action s3:ListBucket --method GET \
  --path /fdnix-vectors --query list-type=2 --query "prefix=vectors/a b" --query "continuation-token=x/y+z=" \
  --unsigned-payload >/dev/null || fail "S3 ListObjectsV2 with UNSIGNED-PAYLOAD refused"
AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEFdnixTestToken/+==" \
  "$call" --service s3 --endpoint "$standin" --operation GetObject --method GET \
  --path /fdnix-vectors/vector-index/index.json.gz >/dev/null || fail "S3 GetObject with a token refused"
"$call" --service bedrock --endpoint "$standin" --operation InvokeModel \
  --path "/model/amazon.titan-embed-text-v2:0/invoke" --header "Content-Type:application/json" \
  --header "Accept:application/json" --body '{"inputText":"caf\u00e9  \u2014  text"}' >/dev/null \
  || fail "Bedrock InvokeModel refused"
if AWS_SECRET_ACCESS_KEY=notTheRightSecretKey0000000000000000000 \
   "$call" --service dynamodb --endpoint "$standin" --operation Scan --body '{}' 2>"$TEST_TMP/bad.err"; then
  fail "a request signed with the wrong key was accepted"
fi
grep -q "InvalidSignatureException" "$TEST_TMP/bad.err" || fail "the refusal is not reported: $(cat "$TEST_TMP/bad.err")"
grep -q "notTheRightSecretKey" "$TEST_TMP/bad.err" && fail "the secret key appears in the error"

# every request the DynamoDB store makes, through the verifier
check_bin="$FDNIX_BUILDDIR/tests/check-dynamodb-store"
[ -x "$check_bin" ] || skip "check-dynamodb-store is not built"
FDNIX_TEST_DYNAMODB_ENDPOINT=$verifier "$check_bin" || fail "the store suite through the verifier"
checked=$(stats checked); refused=$(stats refused)
echo "# verifier: $checked DynamoDB requests checked, $refused refused"
check '[ "$checked" -gt 100 ]' "the store's requests went through the verifier"
check '[ "$refused" = 0 ]' "botocore accepts every DynamoDB request signature"
