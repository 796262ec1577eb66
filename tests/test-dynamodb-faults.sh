#!/bin/bash
# fdnix-metadata into DynamoDB (dynalite) through the fault proxy, on a
# 1,000-package input (40 BatchWriteItem calls):
# - heavy faults (throttling, 5xx, dropped connections, slow answers,
#   partial UnprocessedItems, damaged CRC32): exit 0 and the table equals
#   the records;
# - a 1% change and 0.5% removal writes and deletes exactly those;
# - a proxy that only fails: exit 1 within the retry budget, one clear
#   error line, nothing written;
# - no credential or signature in any log line at -vv, nor in the summary.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
need_metadata_dynamodb
need python3 curl jq

# short back-off keeps the test quick; the policy is the same
cat > "$TEST_TMP/fast.conf" <<'CONF'
[retry]
base-delay=0.005
throttle-base-delay=0.02
max-backoff=0.2
CONF
export AWS_SESSION_TOKEN=FdnixTestSessionTokenNeverToBeLogged0123456789
python3 - "$FDNIX_TESTS_SRCDIR/data/metadata/small.json" "$TEST_TMP" <<'PY'
import json, sys
src, tmp = sys.argv[1], sys.argv[2]
base = json.load(open(src))
out = {}
for i in range(50):
    for key, value in base.items():
        out["copy%02d.%s" % (i, key)] = value
json.dump(out, open(tmp + "/input.json", "w"))
# 1% changed, 0.5% removed, like tests/corpus/make-variant.py
changed, keys = {}, open(tmp + "/keys.tsv", "w")
for n, (key, value) in enumerate(out.items()):
    if n % 200 == 50:
        keys.write("removed\t%s\n" % key)
        continue
    if n % 100 == 7:
        value = json.loads(json.dumps(value))
        value.setdefault("meta", {})["description"] = "changed for the test"
        keys.write("changed\t%s\n" % key)
    changed[key] = value
json.dump(changed, open(tmp + "/changed.json", "w"))
PY
fdnix-metadata --input "$TEST_TMP/input.json" --output "$TEST_TMP/expected.jsonl" 2>/dev/null || fail "--output"
n=$(grep -c . "$TEST_TMP/expected.jsonl")

start_dynalite dynalite
start_fault_proxy FAULT_PROXY "$dynalite" --seed 11 --throttle 0.3 --server-error 0.05 --drop 0.02 \
  --unprocessed 0.2 --slow 0.05 --slow-seconds 0.3 --corrupt-crc 0.05 --first-each --log-signatures
table=fdnix-faults
run () {
  fdnix-metadata --config "$TEST_TMP/fast.conf" --dynamodb-table "$table" --endpoint-url "$FAULT_PROXY" \
    --log-format json -vv "$@"
}
run --input "$TEST_TMP/input.json" --create-table --summary-json "$TEST_TMP/s1.json" 2>"$TEST_TMP/run1.log" \
  || { tail -5 "$TEST_TMP/run1.log"; fail "load through the fault proxy"; }
echo "# faults injected: $(curl -s "$FAULT_PROXY/__fault_proxy/stats" | jq -c .faults)"
echo "# retries: $(jq -c .retries "$TEST_TMP/s1.json")"
for kind in throttle server_error drop unprocessed corrupt_crc; do
  check '[ "$(proxy_stat faults.$kind)" -gt 0 ]' "the proxy injected $kind"
done
check '[ "$(jq .retries.dynamodb "$TEST_TMP/s1.json")" -gt 0 ]' "retries are counted in the summary"
ddb_scan "$dynalite" "$table" "$TEST_TMP/scan1"
python3 "$FDNIX_TESTS_SRCDIR/servers/ddb_items.py" compare --ignore lastUpdated \
  "$TEST_TMP/expected.jsonl" "$TEST_TMP"/scan1/*.json >"$TEST_TMP/compare1.txt" \
  || { head "$TEST_TMP/compare1.txt"; fail "the table differs from the records after a faulty load"; }

echo "# 1% changed, 0.5% removed (through a proxy without faults)"
start_fault_proxy FAULT_PROXY "$dynalite" --log-signatures
run --input "$TEST_TMP/changed.json" --summary-json "$TEST_TMP/s2.json" 2>"$TEST_TMP/run2.log" \
  || { tail -5 "$TEST_TMP/run2.log"; fail "changed run"; }
n_changed=$(grep -c '^changed' "$TEST_TMP/keys.tsv")
n_removed=$(grep -c '^removed' "$TEST_TMP/keys.tsv")
check '[ "$(jq .counts.written "$TEST_TMP/s2.json")" = "$n_changed" ]' "writes exactly the changed packages"
check '[ "$(jq .counts.deleted "$TEST_TMP/s2.json")" = "$n_removed" ]' "deletes exactly the removed packages"
check '[ "$(proxy_stat write_requests.PutRequest)" = "$n_changed" ]' "BatchWriteItem carried exactly the changed puts"
check '[ "$(proxy_stat write_requests.DeleteRequest)" = "$n_removed" ]' "BatchWriteItem carried exactly the deletes"

echo "# a server that only fails"
start_fault_proxy FAULT_PROXY "$dynalite" --only-errors --log-signatures
start=$(date +%s)
run --input "$TEST_TMP/changed.json" --log-format text --summary-json "$TEST_TMP/s3.json" 2>"$TEST_TMP/run3.log"
status=$?
elapsed=$(( $(date +%s) - start ))
grep '^fdnix-metadata: error:' "$TEST_TMP/run3.log" || true
check '[ "$status" = 1 ]' "exit status 1"
check '[ "$(grep -c "error:" "$TEST_TMP/run3.log")" = 1 ]' "one error line"
grep -Eq 'error: DynamoDB [A-Za-z]+: (gave up after [0-9]+ attempts|retry budget exhausted)' "$TEST_TMP/run3.log" \
  || fail "the error names the operation and the attempts"
check '[ "$elapsed" -lt 60 ]' "ends within the retry budget ($elapsed s)"
check '[ "$(proxy_stat forwarded.BatchWriteItem)" = 0 ]' "nothing written"

echo "# no secret in any log line"
python3 - "$TEST_TMP" <<'PY' || fail "a secret reached a log"
import glob, json, os, sys
tmp = sys.argv[1]
secrets = {os.environ["AWS_SECRET_ACCESS_KEY"], os.environ["AWS_SESSION_TOKEN"], os.environ["AWS_ACCESS_KEY_ID"]}
# Every proxy above logged the signatures it saw; each must have seen some,
# or this check would pass without looking at a single request.
proxy_logs = glob.glob(tmp + "/fault-proxy-*.jsonl")
assert proxy_logs, "no fault proxy log found"
for log in proxy_logs:
    seen = 0
    for line in open(log):
        sig = json.loads(line).get("signature")
        if sig:
            secrets.add(sig)
            seen += 1
    assert seen > 0, "no signature recorded in " + os.path.basename(log)
texts = [open(p, encoding="utf-8", errors="replace").read() for p in
         glob.glob(tmp + "/run*.log") + glob.glob(tmp + "/s*.json")]
print("# %d secrets and signatures checked against %d logs (%d bytes)" %
      (len(secrets), len(texts), sum(map(len, texts))))
bad = [s for s in secrets if any(s in t for t in texts)]
assert len(secrets) > 3 + 20, "too few signatures recorded: %d" % len(secrets)
assert not bad, "found in logs: %s" % bad[:3]
PY
