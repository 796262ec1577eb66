#!/bin/bash
# Corpus-scale checks of fdnix-metadata on DynamoDB (issue 3), on dynalite:
# - a clean load of $FDNIX_CORPUS;
# - a load through the fault proxy at 30% throttling, 5% 5xx, 2% dropped
#   connections (and 5% partial UnprocessedItems) exits 0, and the table
#   equals the clean load (same keys, same attributes but lastUpdated), as
#   the AWS CLI reads them back;
# - a rerun on unchanged input makes 0 BatchWriteItem calls;
# - the 1%-changed / 0.5%-removed copy writes and deletes exactly those;
# - a proxy returning only errors ends the run with exit 1 and one clear
#   error line, within the retry budget, at the default retry settings.
. "$(dirname "$0")/../lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
need_metadata_dynamodb
need python3 curl jq
[ -f "${FDNIX_CORPUS:-}" ] || skip "FDNIX_CORPUS is not set"
here=$(dirname "$0")
py () { python3 "$FDNIX_TESTS_SRCDIR/servers/ddb_items.py" "$@"; }

start_dynalite dynalite
load () {  # load TABLE ENDPOINT INPUT SUMMARY LOG
  start_s=$(date +%s)
  fdnix-metadata --input "$3" --dynamodb-table "$1" --create-table --endpoint-url "$2" \
    --log-format json --summary-json "$4" 2>"$5"
}

echo "# clean load"
load clean "$dynalite" "$FDNIX_CORPUS" "$TEST_TMP/clean.json" "$TEST_TMP/clean.log" \
  || { tail -3 "$TEST_TMP/clean.log"; fail "clean load"; }
echo "# $(jq -c '{written: .counts.written, seconds: .durations_s.dynamodb_write, requests: .requests}' "$TEST_TMP/clean.json")"

echo "# load through the fault proxy: 30% throttling, 5% 5xx, 2% drops, 5% partial batches"
start_fault_proxy FAULT_PROXY "$dynalite" --seed 3 --throttle 0.30 --server-error 0.05 --drop 0.02 --unprocessed 0.05
load faulty "$FAULT_PROXY" "$FDNIX_CORPUS" "$TEST_TMP/faulty.json" "$TEST_TMP/faulty.log" \
  || { grep '"error"' "$TEST_TMP/faulty.log" | tail -3; fail "the load through the fault proxy failed"; }
echo "# $(jq -c '{written: .counts.written, seconds: .durations_s.dynamodb_write, retries: .retries, unprocessed: .dynamodb}' "$TEST_TMP/faulty.json")"
echo "# injected: $(curl -s "$FAULT_PROXY/__fault_proxy/stats" | jq -c .faults)"
check '[ "$(jq .counts.written "$TEST_TMP/faulty.json")" = "$(jq .counts.written "$TEST_TMP/clean.json")" ]' \
  "the faulty load wrote every record"

echo "# both tables as the AWS CLI sees them"
ddb_scan "$dynalite" clean "$TEST_TMP/scan-clean" 2
ddb_scan "$dynalite" faulty "$TEST_TMP/scan-faulty" 2
py digest --ignore lastUpdated "$TEST_TMP"/scan-clean/*.json > "$TEST_TMP/clean.digest"
py digest --ignore lastUpdated "$TEST_TMP"/scan-faulty/*.json > "$TEST_TMP/faulty.digest"
echo "# $(wc -l < "$TEST_TMP/clean.digest") items in each"
check '[ "$(wc -l < "$TEST_TMP/clean.digest")" = "$(jq .counts.written "$TEST_TMP/clean.json")" ]' \
  "the clean table holds every record"
cmp -s "$TEST_TMP/clean.digest" "$TEST_TMP/faulty.digest" || {
  diff "$TEST_TMP/clean.digest" "$TEST_TMP/faulty.digest" | head; fail "the faulty load differs from the clean load"; }

echo "# rerun on unchanged input"
start_fault_proxy FAULT_PROXY "$dynalite"
load faulty "$FAULT_PROXY" "$FDNIX_CORPUS" "$TEST_TMP/rerun.json" "$TEST_TMP/rerun.log" || fail "rerun"
check '[ "$(jq .counts.written "$TEST_TMP/rerun.json")" = 0 ]' "rerun writes nothing"
check '[ "$(proxy_stat requests.BatchWriteItem)" = 0 ]' "rerun makes 0 BatchWriteItem calls"

echo "# 1% changed, 0.5% removed"
python3 "$here/make-variant.py" changed "$FDNIX_CORPUS" "$TEST_TMP/changed.json" "$TEST_TMP/keys.tsv"
n_changed=$(grep -c '^changed' "$TEST_TMP/keys.tsv")
n_removed=$(grep -c '^removed' "$TEST_TMP/keys.tsv")
start_fault_proxy FAULT_PROXY "$dynalite"
load faulty "$FAULT_PROXY" "$TEST_TMP/changed.json" "$TEST_TMP/changed-run.json" "$TEST_TMP/changed.log" \
  || fail "changed run"
echo "# expected $n_changed changed, $n_removed removed; summary $(jq -c '{written: .counts.written, deleted: .counts.deleted}' "$TEST_TMP/changed-run.json"); BatchWriteItem carried $(curl -s "$FAULT_PROXY/__fault_proxy/stats" | jq -c .write_requests)"
check '[ "$(jq .counts.written "$TEST_TMP/changed-run.json")" = "$n_changed" ]' "writes exactly the changed packages"
check '[ "$(jq .counts.deleted "$TEST_TMP/changed-run.json")" = "$n_removed" ]' "deletes exactly the removed packages"
check '[ "$(proxy_stat write_requests.PutRequest)" = "$n_changed" ]' "puts only the changed packages"
check '[ "$(proxy_stat write_requests.DeleteRequest)" = "$n_removed" ]' "deletes only the removed packages"
# and those keys: removed ones are gone, changed ones carry this run's stamp
python3 - "$dynalite" "$TEST_TMP/keys.tsv" "$TEST_TMP/scan-clean" <<'PY' || fail "the changed and removed keys"
import glob, json, subprocess, sys
endpoint, keys_path, scan_dir = sys.argv[1:4]
versions = {}
for path in glob.glob(scan_dir + "/*.json"):
    for item in json.load(open(path))["Items"]:
        versions[item["packageName"]["S"]] = item["version"]["S"]
wanted = [line.rstrip("\n").split("\t") for line in open(keys_path)]
def get(names):
    found = {}
    for i in range(0, len(names), 100):
        keys = [{"packageName": {"S": n}, "version": {"S": versions[n]}} for n in names[i:i + 100]]
        req = {"faulty": {"Keys": keys, "ProjectionExpression": "packageName, lastUpdated, description"}}
        while req:
            out = json.loads(subprocess.run(["/usr/bin/aws", "dynamodb", "batch-get-item", "--endpoint-url",
                                             endpoint, "--request-items", json.dumps(req), "--output", "json"],
                                            check=True, stdout=subprocess.PIPE).stdout)
            for item in out["Responses"].get("faulty", []):
                found[item["packageName"]["S"]] = item
            req = out.get("UnprocessedKeys") or None
    return found
removed = get([k for kind, k in wanted if kind == "removed"])
assert not removed, "removed keys still stored: %s" % list(removed)[:3]
changed = get([k for kind, k in wanted if kind == "changed"])
assert len(changed) == sum(1 for kind, _ in wanted if kind == "changed"), "changed keys missing"
stamps = {item["lastUpdated"]["S"] for item in changed.values()}
assert len(stamps) == 1, "changed items carry several stamps: %s" % list(stamps)[:3]
assert all("changed for the test" in item["description"]["S"] for item in changed.values())
print("# %d removed keys absent, %d changed keys rewritten at %s" %
      (sum(1 for kind, _ in wanted if kind == "removed"), len(changed), stamps.pop()))
PY

echo "# a server that only fails (default retry settings)"
start_fault_proxy FAULT_PROXY "$dynalite" --only-errors
start=$(date +%s)
fdnix-metadata --input "$TEST_TMP/changed.json" --dynamodb-table faulty --endpoint-url "$FAULT_PROXY" \
  --log-format text --summary-json "$TEST_TMP/errors.json" 2>"$TEST_TMP/errors.log"
status=$?
elapsed=$(( $(date +%s) - start ))
grep 'error:' "$TEST_TMP/errors.log"
echo "# exit $status after $elapsed s, $(jq -c .retries "$TEST_TMP/errors.json")"
check '[ "$status" = 1 ]' "exit status 1"
check '[ "$(grep -c "error:" "$TEST_TMP/errors.log")" = 1 ]' "one error line"
grep -Eq 'error: DynamoDB [A-Za-z]+: (gave up after [0-9]+ attempts|retry budget exhausted)' "$TEST_TMP/errors.log" \
  || fail "the error names the operation and the attempts"
check '[ "$elapsed" -lt 300 ]' "ends within the retry budget"
check '[ "$(proxy_stat forwarded.BatchWriteItem)" = 0 ]' "nothing written"
