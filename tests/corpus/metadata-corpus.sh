#!/bin/bash
# Corpus-scale checks of fdnix-metadata on the embedded store (issue 2):
# every package stored, the 91 half-written entries of nix 2.8's raw output
# skipped and named, incremental reruns, and a truncated copy refused.
. "$(dirname "$0")/../lib.sh"
need jq sqlite3 python3
[ -f "${FDNIX_CORPUS:-}" ] || skip "FDNIX_CORPUS is not set"
here=$(dirname "$0")
db="$TEST_TMP/db.sqlite"

keys=$(python3 -c 'import gzip,json,sys; print(len(json.load(gzip.open(sys.argv[1]))))' "$FDNIX_CORPUS")

echo "# full corpus: $keys top-level keys"
fdnix-metadata --input "$FDNIX_CORPUS" --database "$db" --summary-json "$TEST_TMP/s1.json" 2>"$TEST_TMP/run1.log" \
  || { tail "$TEST_TMP/run1.log"; fail "first load failed"; }
stored=$(sqlite3 "$db" 'select count(*) from packages')
skipped=$(jq '.counts.skipped_invalid + .counts.skipped_half_written' "$TEST_TMP/s1.json")
logged=$(grep -c '"level":"warning".*skip' "$TEST_TMP/run1.log" || true)
echo "# stored $stored, skipped $skipped (logged $logged)"
check '[ "$stored" = $((keys - skipped)) ]' "stored = keys - skipped"
check '[ "$logged" -ge "$skipped" ]' "every skipped entry is logged"

fdnix-metadata --input "$FDNIX_CORPUS" --database "$db" --summary-json "$TEST_TMP/s2.json" 2>/dev/null || fail "rerun failed"
check '[ "$(jq .counts.written "$TEST_TMP/s2.json")" = 0 ]' "second run writes 0 rows"
check '[ "$(jq .counts.deleted "$TEST_TMP/s2.json")" = 0 ]' "second run deletes nothing"

echo "# 1% changed, 0.5% removed"
python3 "$here/make-variant.py" changed "$FDNIX_CORPUS" "$TEST_TMP/changed.json" "$TEST_TMP/keys.tsv"
n_changed=$(grep -c '^changed' "$TEST_TMP/keys.tsv")
n_removed=$(grep -c '^removed' "$TEST_TMP/keys.tsv")
fdnix-metadata --input "$TEST_TMP/changed.json" --database "$db" --summary-json "$TEST_TMP/s3.json" 2>/dev/null || fail "changed run failed"
echo "# expected $n_changed changed, $n_removed removed; summary: $(jq -c '{written:.counts.written,deleted:.counts.deleted,updated:.counts.updated}' "$TEST_TMP/s3.json")"
check '[ "$(jq .counts.written "$TEST_TMP/s3.json")" = "$n_changed" ]' "writes exactly the changed packages"
check '[ "$(jq .counts.deleted "$TEST_TMP/s3.json")" = "$n_removed" ]' "deletes exactly the removed packages"
# and exactly those keys: rewritten rows carry this run's lastUpdated
stamp=$(sqlite3 "$db" 'select max(lastUpdated) from packages')
sqlite3 "$db" "select packageName from packages where lastUpdated = '$stamp'" | sort > "$TEST_TMP/written"
grep '^changed' "$TEST_TMP/keys.tsv" | cut -f2 | sort > "$TEST_TMP/expected"
cmp -s "$TEST_TMP/written" "$TEST_TMP/expected" || fail "the rewritten keys are the changed keys"
grep '^removed' "$TEST_TMP/keys.tsv" | cut -f2 | while read -r key; do
  [ -z "$(sqlite3 "$db" "select 1 from packages where packageName = '${key//\'/\'\'}'")" ] || fail "removed $key still stored"
done

echo "# truncated copy"
before=$(sqlite3 "$db" .dump | sha256sum)
python3 "$here/make-variant.py" truncate "$FDNIX_CORPUS" "$TEST_TMP/truncated.json"
set +e
fdnix-metadata --input "$TEST_TMP/truncated.json" --database "$db" --log-format=text 2>"$TEST_TMP/trunc.log"
status=$?
set -e
check '[ "$status" = 1 ]' "truncated copy exits 1"
grep 'error:' "$TEST_TMP/trunc.log"
check '[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ]' "store exactly as before"

if [ -f "${FDNIX_RAW_CORPUS:-}" ]; then
  echo "# raw nix-env 2.8 output with half-written entries"
  rawdb="$TEST_TMP/raw.sqlite"
  fdnix-metadata --input "$FDNIX_RAW_CORPUS" --database "$rawdb" --summary-json "$TEST_TMP/raw.json" 2>"$TEST_TMP/raw.log" \
    || { tail "$TEST_TMP/raw.log"; fail "raw corpus failed"; }
  echo "# $(jq -c '{entries:.counts.entries,records:.counts.records,half_written:.counts.skipped_half_written,invalid:.counts.skipped_invalid}' "$TEST_TMP/raw.json")"
  check '[ "$(jq .counts.skipped_half_written "$TEST_TMP/raw.json")" = 91 ]' "91 half-written entries skipped"
  check '[ "$(sqlite3 "$rawdb" "select count(*) from packages")" = 83989 ]' "83,989 packages stored"
  if [ -f "${FDNIX_HALF_WRITTEN_LIST:-}" ]; then
    grep '"level":"warning"' "$TEST_TMP/raw.log" | jq -r .message \
      | sed -n 's/^skipping "\(.*\)": nix left the entry half-written.*/\1/p' | sort -u > "$TEST_TMP/skipped-names"
    sort -u "$FDNIX_HALF_WRITTEN_LIST" > "$TEST_TMP/expected-names"
    cmp -s "$TEST_TMP/skipped-names" "$TEST_TMP/expected-names" \
      || { diff "$TEST_TMP/skipped-names" "$TEST_TMP/expected-names" | head; fail "the skipped entries are exactly the listed ones"; }
  fi
fi
echo "# metadata corpus checks passed"
