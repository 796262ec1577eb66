#!/bin/bash
# Hot reload under load: while wrk keeps fdnix-search --serve busy, a new
# snapshot is published (fdnix-metadata and fdnix-embed add a package),
# then a corrupted one (a batch file whose bytes no longer match the
# index's sha256).  Expected: no failed request at all; the new package
# found after the first; the second refused with one log line, the first
# still served; the metrics count one reload and one refusal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve-lib.sh"
need jq curl wrk

fixture=$(serve_fixture)
serve_snapshot "$fixture"
start_serve --reload-interval 0.2 --threads 2
first_run=$(curl -s "$SERVE_URL/healthz" | jq -r .snapshot)

# queries the fixture answers, and the two packages still to come
printf '%s\n' rg ffmpeg "sound editor" "terminal file manager" "http library" nvim make backup \
  zzreload zzcorrupt >"$TEST_TMP/queries"
FDNIX_WRK_QUERIES="$TEST_TMP/queries" wrk -t2 -c8 -d14s --timeout 5s \
  -s "$FDNIX_TESTS_SRCDIR/../bench/serve.lua" "$SERVE_URL" >"$TEST_TMP/wrk.out" 2>&1 &
wrk_pid=$!
SERVER_PIDS="$SERVER_PIDS $wrk_pid"
sleep 2

# --- a new snapshot: one package more
jq '. + {"fdnixReloadProbe": {"meta": {"available": true, "broken": false,
      "description": "zzreload canary published during the load test"}, "name": "fdnixReloadProbe-1.0",
      "pname": "fdnixReloadProbe", "version": "1.0"}}' "$fixture" >"$TEST_TMP/fixture2.json"
serve_snapshot "$TEST_TMP/fixture2.json"
second_run=$(zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r .metadata.run_id)
for _ in $(seq 1 100); do
  found=$(curl -s "$SERVE_URL/v1/search?q=zzreload" | jq -r '.results[0].attributePath // empty')
  [ "$found" = fdnixReloadProbe ] && break
  sleep 0.1
done
check "[ \"$found\" = fdnixReloadProbe ]" "the new snapshot is not served: zzreload finds '$found'"
check "[ \"\$(curl -s $SERVE_URL/healthz | jq -r .snapshot)\" = \"$second_run\" ]" "/healthz does not name run $second_run"
check "[ \"$first_run\" != \"$second_run\" ]" "the two runs have one id"

# --- a corrupted snapshot: made in a copy, one new batch file damaged,
# then published as fdnix-embed would (batch files and search bundle first,
# the index last)
cp -a "$FDNIX_DATA_DIR" "$TEST_TMP/data2"
jq '. + {"fdnixCorruptProbe": {"meta": {"available": true, "broken": false,
      "description": "zzcorrupt must never be served"}, "name": "fdnixCorruptProbe-1.0",
      "pname": "fdnixCorruptProbe", "version": "1.0"}}' "$TEST_TMP/fixture2.json" >"$TEST_TMP/fixture3.json"
FDNIX_DATA_DIR="$TEST_TMP/data2" serve_snapshot "$TEST_TMP/fixture3.json"
third_run=$(zcat "$TEST_TMP/data2/vector-index/index.json.gz" | jq -r .metadata.run_id)
new_files=$(cd "$TEST_TMP/data2/vectors" && ls | grep -F "$third_run")
[ -n "$new_files" ] || fail "the third run wrote no batch file"
for f in $new_files; do
  # same size, other bytes: the sha256 check must catch it
  python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=0xff; open(p,"wb").write(b)' \
    "$TEST_TMP/data2/vectors/$f"
  cp "$TEST_TMP/data2/vectors/$f" "$FDNIX_DATA_DIR/vectors/.$f.tmp"
  mv "$FDNIX_DATA_DIR/vectors/.$f.tmp" "$FDNIX_DATA_DIR/vectors/$f"
done
# the new search bundle, which fdnix-embed also writes before the index
mkdir -p "$FDNIX_DATA_DIR/search-bundle"
for f in $(cd "$TEST_TMP/data2/search-bundle" && ls); do
  [ -e "$FDNIX_DATA_DIR/search-bundle/$f" ] && continue
  cp "$TEST_TMP/data2/search-bundle/$f" "$FDNIX_DATA_DIR/search-bundle/.$f.tmp"
  mv "$FDNIX_DATA_DIR/search-bundle/.$f.tmp" "$FDNIX_DATA_DIR/search-bundle/$f"
done
cp "$TEST_TMP/data2/vector-index/index.json.gz" "$FDNIX_DATA_DIR/vector-index/.index.tmp"
mv "$FDNIX_DATA_DIR/vector-index/.index.tmp" "$FDNIX_DATA_DIR/vector-index/index.json.gz"
for _ in $(seq 1 100); do
  grep -q "refused snapshot" "$TEST_TMP/serve.log" && break
  sleep 0.1
done
grep "refused snapshot" "$TEST_TMP/serve.log" >"$TEST_TMP/refused"
echo "logged: $(cat "$TEST_TMP/refused")"
check "[ \$(wc -l <$TEST_TMP/refused) = 1 ]" "the corrupted snapshot: not one log line ($(cat "$TEST_TMP/refused"))"
grep -q "$third_run.*sha256.*still serving $second_run" "$TEST_TMP/refused" \
  || fail "the refusal does not say what and why: $(cat "$TEST_TMP/refused")"
check "[ \"\$(curl -s $SERVE_URL/healthz | jq -r .snapshot)\" = \"$second_run\" ]" "after the refusal, not serving $second_run"
found=$(curl -s "$SERVE_URL/v1/search?q=zzreload" | jq -r '.results[0].attributePath // empty')
check "[ \"$found\" = fdnixReloadProbe ]" "after the refusal: zzreload finds '$found'"
found=$(curl -s "$SERVE_URL/v1/search?q=zzcorrupt" | jq -r '[.results[].attributePath] | index("fdnixCorruptProbe")')
check "[ \"$found\" = null ]" "the corrupted snapshot's package is served"
# polled again and again, the refused index is not tried (nor logged) again
sleep 1
check "[ \$(grep -c 'refused snapshot' $TEST_TMP/serve.log) = 1 ]" "the refused snapshot was tried again"

wait "$wrk_pid"
cat "$TEST_TMP/wrk.out"
line=$(sed -n 's/^wrk-json: //p' "$TEST_TMP/wrk.out")
[ -n "$line" ] || fail "no figures from wrk"
echo "$line" | jq -e '.requests > 100 and .connect_errors == 0 and .read_errors == 0 and .write_errors == 0
  and .timeouts == 0 and .non_2xx == 0' >/dev/null || fail "requests failed during the reloads: $line"

curl -s "$SERVE_URL/metrics" >"$TEST_TMP/metrics"
grep -qx 'fdnix_snapshot_reloads_total 1' "$TEST_TMP/metrics" || fail "metrics: $(grep reloads "$TEST_TMP/metrics")"
grep -qx 'fdnix_snapshot_reloads_refused_total 1' "$TEST_TMP/metrics" || fail "metrics: $(grep refused "$TEST_TMP/metrics")"
grep -Eq '^fdnix_http_requests_total\{route="search",status="(4|5)[0-9][0-9]"\}' "$TEST_TMP/metrics" \
  && fail "metrics: failed searches: $(grep 'route="search"' "$TEST_TMP/metrics" | grep total)"
exit 0
