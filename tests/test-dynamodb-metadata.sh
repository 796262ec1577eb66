#!/bin/bash
# fdnix-metadata into DynamoDB, end to end, on Amazon's DynamoDB Local and
# on dynalite: every record present with the documented attributes (read
# back with the AWS CLI), and a rerun on unchanged input makes no
# BatchWriteItem call (counted at a proxy in front of the server).
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
need_metadata_dynamodb
need python3 curl jq
input="$FDNIX_TESTS_SRCDIR/data/metadata/small.json"

fdnix-metadata --input "$input" --output "$TEST_TMP/expected.jsonl" 2>"$TEST_TMP/output.log" \
  || { cat "$TEST_TMP/output.log"; fail "fdnix-metadata --output"; }
n=$(grep -c . "$TEST_TMP/expected.jsonl")
check '[ "$n" -gt 10 ]' "the fixture has records"

start_dynamodb_local ddblocal
start_dynalite dynalite
for server in "$ddblocal" "$dynalite"; do
  echo "# $server"
  table=fdnix-metadata-e2e
  fdnix-metadata --input "$input" --dynamodb-table "$table" --create-table --endpoint-url "$server" \
    --summary-json "$TEST_TMP/s1.json" 2>"$TEST_TMP/run1.log" \
    || { cat "$TEST_TMP/run1.log"; fail "first load into $server"; }
  check '[ "$(jq .counts.written "$TEST_TMP/s1.json")" = "$n" ]' "first load writes every record"

  ddb_scan "$server" "$table" "$TEST_TMP/scan"
  python3 "$FDNIX_TESTS_SRCDIR/servers/ddb_items.py" compare --ignore lastUpdated \
    "$TEST_TMP/expected.jsonl" "$TEST_TMP"/scan/*.json || fail "stored items differ from the records"
  python3 - "$TEST_TMP"/scan/*.json <<'PY' || fail "stored items lack documented attributes"
import json, re, sys
need = {"packageName", "version", "attributePath", "pname", "maintainers", "platforms", "available",
        "broken", "insecure", "unfree", "unsupported", "lastUpdated", "hasEmbedding", "contentHash",
        "embeddingTextHash"}
for path in sys.argv[1:]:
    for item in json.load(open(path))["Items"]:
        missing = need - set(item)
        assert not missing, (item["packageName"], missing)
        assert item["packageName"]["S"] == item["attributePath"]["S"]
        assert item["version"]["S"] != ""
        assert "L" in item["maintainers"] and "L" in item["platforms"], item["packageName"]
        assert "BOOL" in item["hasEmbedding"] and item["hasEmbedding"]["BOOL"] is False
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", item["lastUpdated"]["S"])
        if "license" in item:
            assert set(item["license"]) <= {"M", "L", "S"}, item["license"]
PY

  # unchanged input: nothing written, no BatchWriteItem at all
  start_fault_proxy FAULT_PROXY "$server"
  fdnix-metadata --input "$input" --dynamodb-table "$table" --endpoint-url "$FAULT_PROXY" \
    --summary-json "$TEST_TMP/s2.json" 2>"$TEST_TMP/run2.log" \
    || { cat "$TEST_TMP/run2.log"; fail "rerun through the proxy"; }
  check '[ "$(jq .counts.written "$TEST_TMP/s2.json")" = 0 ]' "rerun writes nothing"
  check '[ "$(proxy_stat requests.BatchWriteItem)" = 0 ]' "rerun makes no BatchWriteItem call"
  check '[ "$(proxy_stat requests.Scan)" -ge 1 ]' "rerun reads the table's keys"
done
