#!/bin/bash
# fdnix-search and fdnix-embed against an S3-compatible server that echoes
# the request's Authorization header and session token (raw and
# URL-encoded, as a presigned query carries it) in its error message, and
# one whose JSON error body nests 200,000 deep (issue 13).  The error
# line, the JSON log and the run summary show none of the signature, the
# access key id, the secret or the token, in any encoding; the deep body
# crashes nothing.
. "$(dirname "$0")/lib.sh"
need python3 jq
hostile="$FDNIX_TESTS_SRCDIR/servers/hostile-server.py"
embed_tool="$FDNIX_BUILDDIR/tests/embed-tool"
records="$FDNIX_TESTS_SRCDIR/data/embed/make-records.py"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"

# a session token with the characters URL-encoding changes
export AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEHostile//////////wEaCXVzLWVhc3QtMSJH+MEUCIQD/token=="
export S3_BUCKET=fdnix-vectors
export FDNIX_DATA_DIR="$TEST_TMP/data"
port=$(free_port)
start_server echo "$port" python3 "$hostile" --port "$port" --mode s3-echo
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port"

token_url=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$AWS_SESSION_TOKEN")
token_lower=$(python3 -c 'import re, sys; print(re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), sys.argv[1]))' "$token_url")
# secret FILE...: fails when a credential shows in any of the files
secret () {
  for f in "$@"; do
    # whole, or any 16-character piece of the token (a cut must not leave one)
    for s in "$AWS_SESSION_TOKEN" "$token_url" "$token_lower" "$AWS_SECRET_ACCESS_KEY" \
             "$AWS_ACCESS_KEY_ID" "${AWS_SESSION_TOKEN:0:16}" "${AWS_SESSION_TOKEN:40:16}" \
             "%2BMEUCIQD" "%2bMEUCIQD"; do
      grep -qF -- "$s" "$f" && fail "$f shows '$s': $(cat "$f")"
    done
    grep -Eq 'Signature=[0-9a-f]{16}' "$f" && fail "$f shows a signature: $(cat "$f")"
  done
  return 0
}

# a package table, so that the search gets as far as the bucket
python3 "$records" 20 >"$TEST_TMP/r.jsonl"
"$embed_tool" load "$TEST_TMP/r.jsonl" >/dev/null || fail "load"
fdnix-search --summary-json "$TEST_TMP/search.json" --log-format=json jq >/dev/null 2>"$TEST_TMP/search.log"
status=$?
check "[ $status = 1 ]" "search: exit $status: $(cat "$TEST_TMP/search.log")"
grep -q '"level":"error".*AccessDenied.*\[REDACTED\]' "$TEST_TMP/search.log" \
  || fail "search: the echo is not in the error line, redacted: $(cat "$TEST_TMP/search.log")"
jq -e '.status == "failed" and (.error | test("REDACTED"))' "$TEST_TMP/search.json" >/dev/null \
  || fail "search summary: $(cat "$TEST_TMP/search.json")"
secret "$TEST_TMP/search.log" "$TEST_TMP/search.json"

# fdnix-embed writing to the same bucket, with -vv and a text log
fdnix-embed -vv --summary-json "$TEST_TMP/embed.json" --log-format=text 2>"$TEST_TMP/embed.log"
status=$?
check "[ $status = 1 ]" "embed: exit $status: $(tail -3 "$TEST_TMP/embed.log")"
grep -q 'error: .*AccessDenied.*\[REDACTED\]' "$TEST_TMP/embed.log" \
  || fail "embed: $(grep error "$TEST_TMP/embed.log")"
secret "$TEST_TMP/embed.log" "$TEST_TMP/embed.json"

# a JSON error body nested 200,000 deep (AWS's JSON error path)
port=$(free_port)
start_server deep-server "$port" python3 "$hostile" --port "$port" --mode deep-error --status 400
AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port" fdnix-search --log-format=text jq >/dev/null 2>"$TEST_TMP/deep.log"
status=$?
check "[ $status = 1 ]" "deep error body: exit $status (a crash is 128+signal): $(cat "$TEST_TMP/deep.log")"
grep -q 'error: .*HTTP 400' "$TEST_TMP/deep.log" || fail "deep error body: $(cat "$TEST_TMP/deep.log")"
exit 0
