#!/bin/bash
# fdnix-search --serve's API on the search fixture: /v1/search (results,
# filters, paging, explain, query time), /v1/packages (record, 404),
# /healthz (200 with the run id only while a snapshot is loaded),
# /metrics (Prometheus text), the server-rendered page and its headers,
# the caps (400), unknown routes (404), other methods (405), the in-flight
# cap (503 with Retry-After), usage errors, and a clean stop on SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve-lib.sh"
need jq curl

# --- usage errors: exit 2 with a hint
for args in "--serve rg" "--serve --queries /dev/null" "--serve --listen nope" "--serve --listen 127.0.0.1:99999" \
    "--serve --max-in-flight 0" "--serve --request-timeout 0" "--serve --threads -1"; do
  # shellcheck disable=SC2086
  fdnix-search $args >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  check "[ $status -eq 2 ]" "fdnix-search $args: exit $status, not 2 ($(cat "$TEST_TMP/err"))"
done

# --- before any snapshot: listening, /healthz 503, searches 503
port=$(free_port)
start_server early "$port" fdnix-search --serve --listen "127.0.0.1:$port" --reload-interval 0.2 --log-format=json
early_pid=$pid
code=$(curl -s -o "$TEST_TMP/h" -w '%{http_code}' "http://127.0.0.1:$port/healthz")
check "[ $code = 503 ]" "/healthz without a snapshot: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/search?q=rg")
check "[ $code = 503 ]" "/v1/search without a snapshot: $code"
grep -q "run fdnix-embed first" "$TEST_TMP/early.log" || fail "no snapshot: not logged ($(cat "$TEST_TMP/early.log"))"
# the first snapshot published is picked up by the poll
serve_snapshot "$(serve_fixture)"
for _ in $(seq 1 50); do
  code=$(curl -s -o "$TEST_TMP/h" -w '%{http_code}' "http://127.0.0.1:$port/healthz")
  [ "$code" = 200 ] && break
  sleep 0.1
done
check "[ $code = 200 ]" "/healthz after the first snapshot: $code"
kill -TERM "$early_pid"
for _ in $(seq 1 50); do kill -0 "$early_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$early_pid" 2>/dev/null && fail "SIGTERM did not stop the server"
wait "$early_pid"
check "[ $? -eq 0 ]" "SIGTERM: exit status not 0"

start_serve --max-in-flight 64
run_id=$(zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r .metadata.run_id)
[ -n "$run_id" ] && [ "$run_id" != null ] || run_id=$(zcat "$FDNIX_DATA_DIR/vector-index/index.json.gz" | jq -r '.run_id // empty')

# --- /healthz
curl -s "$SERVE_URL/healthz" >"$TEST_TMP/health"
jq -e --arg run "$run_id" '.status == "ok" and .packages == 48 and (.ageSeconds | type) == "number"
  and ($run == "" or .snapshot == $run)' "$TEST_TMP/health" >/dev/null || fail "/healthz: $(cat "$TEST_TMP/health")"

# --- /v1/search
get () { curl -s -D "$TEST_TMP/headers" -o "$TEST_TMP/body" -w '%{http_code}' "$SERVE_URL$1"; }
code=$(get "/v1/search?q=rg&limit=3")
check "[ $code = 200 ]" "/v1/search?q=rg: $code"
jq -e '.results[0].attributePath == "ripgrep" and .results[0].mainProgram == "rg"
  and .results[0].homepage == "https://github.com/BurntSushi/ripgrep" and (.results[0].license | index("MIT"))
  and (.results | length) <= 3 and (.tookMs | type) == "number" and .query == "rg"
  and (.results[0] | has("explain") | not)' "$TEST_TMP/body" >/dev/null || fail "rg: $(cat "$TEST_TMP/body")"
grep -qi '^content-type: application/json' "$TEST_TMP/headers" || fail "search: not JSON"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'" "$TEST_TMP/headers" || fail "no CSP"
# the same ranking again comes from the snapshot's cache, the same
jq -S 'del(.tookMs, .cached)' "$TEST_TMP/body" >"$TEST_TMP/first"
jq -e '.cached == false' "$TEST_TMP/body" >/dev/null || fail "the first search was cached"
get "/v1/search?q=rg&limit=2" >/dev/null
jq -e '.cached == true and (.results | length) <= 2' "$TEST_TMP/body" >/dev/null || fail "not cached: $(cat "$TEST_TMP/body")"
get "/v1/search?q=rg&limit=3" >/dev/null
jq -S 'del(.tookMs, .cached)' "$TEST_TMP/body" | diff - "$TEST_TMP/first" >/dev/null || fail "a cached answer differs"
# grouped alternatives, explain
get "/v1/search?q=ffmpeg&limit=2&explain=1" >/dev/null
jq -e '.results[0].attributePath == "ffmpeg" and .results[0].alternatives == ["ffmpeg_6"]
  and (.results[0].explain.text | test("exact")) and (.results[0].explain | has("keywordRank"))' "$TEST_TMP/body" >/dev/null \
  || fail "ffmpeg explain: $(cat "$TEST_TMP/body")"
# filters, as the CLI's
get "/v1/search?q=http+library&set=python314Packages&limit=1" >/dev/null
jq -e '.results[0].attributePath == "python314Packages.requests"' "$TEST_TMP/body" >/dev/null || fail "set: $(cat "$TEST_TMP/body")"
get "/v1/search?q=zzxss+probe&license=unfree" >/dev/null
jq -e '[.results[].attributePath] == ["xssLink"]' "$TEST_TMP/body" >/dev/null || fail "license=unfree: $(cat "$TEST_TMP/body")"
get "/v1/search?q=zzxss+probe&platform=aarch64-darwin" >/dev/null
jq -e '[.results[].attributePath] | index("xssScript") == null and length == 2' "$TEST_TMP/body" >/dev/null \
  || fail "platform (xssScript is x86_64-linux only): $(cat "$TEST_TMP/body")"
# paging: offset and limit cut the same ranking
get "/v1/search?q=terminal&limit=6" >/dev/null
jq -r '.results[].attributePath' "$TEST_TMP/body" >"$TEST_TMP/all6"
check "[ \$(wc -l <$TEST_TMP/all6) -ge 5 ]" "terminal: fewer than 5 results"
get "/v1/search?q=terminal&limit=2&offset=2" >/dev/null
jq -r '.results[].attributePath' "$TEST_TMP/body" >"$TEST_TMP/page2"
check "[ \"\$(sed -n 3,4p $TEST_TMP/all6)\" = \"\$(cat $TEST_TMP/page2)\" ]" "paging: $(cat "$TEST_TMP/page2") is not 3 and 4 of $(cat "$TEST_TMP/all6")"
jq -e '.more == true and .offset == 2' "$TEST_TMP/body" >/dev/null || fail "paging: $(cat "$TEST_TMP/body")"
# the CLI's answer and the API's agree
fdnix-search --json --limit 5 terminal file manager | jq -r .packageName >"$TEST_TMP/cli"
get "/v1/search?q=terminal+file+manager&limit=5" >/dev/null
jq -r '.results[].attributePath' "$TEST_TMP/body" >"$TEST_TMP/api"
diff "$TEST_TMP/cli" "$TEST_TMP/api" >/dev/null || fail "CLI and API differ: $(paste "$TEST_TMP/cli" "$TEST_TMP/api")"

# --- caps and bad requests: 400 with a JSON error
for q in "q=" "" "q=x&limit=101" "q=x&limit=0" "q=x&offset=1001" "q=x&limit=abc" "q=%ff" "q=a%00" \
    "q=$(head -c 300 /dev/zero | tr '\0' a)" "q=x&include_broken=maybe"; do
  code=$(get "/v1/search?$q")
  check "[ $code = 400 ]" "/v1/search?${q:0:40}: $code, not 400"
  jq -e '.status == 400 and (.error | length) > 0' "$TEST_TMP/body" >/dev/null || fail "${q:0:40}: $(cat "$TEST_TMP/body")"
done
# a '%' without hex digits: libsoup refuses the request line itself
code=$(get "/v1/search?q=%")
check "[ $code = 400 ]" "/v1/search?q=%: $code, not 400"
code=$(get "/v1/search?q=x&pad=$(head -c 5000 /dev/zero | tr '\0' a)")
check "[ $code = 414 ]" "a 5000-byte query string: $code, not 414"

# --- /v1/packages
code=$(get "/v1/packages/python314Packages.requests")
check "[ $code = 200 ]" "/v1/packages/python314Packages.requests: $code"
jq -e '.attributePath == "python314Packages.requests" and (.pname | test("requests")) and .alternatives == ["python313Packages.requests"] and (.version | length) > 0' "$TEST_TMP/body" >/dev/null \
  || fail "package: $(cat "$TEST_TMP/body")"
code=$(get "/v1/packages/xssScript")
jq -e '.position == "pkgs/by-name/xs/xssScript/package.nix:12" and .homepage == "javascript:window.__fdnixPwned=1"' \
  "$TEST_TMP/body" >/dev/null || fail "xssScript: $(cat "$TEST_TMP/body")"
for path in /v1/packages/nope /v1/packages/ /nope /v1 /v1/search/x /static/nope.js /static/../index.html /.env; do
  code=$(get "$path")
  check "[ $code = 404 ]" "$path: $code, not 404"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$SERVE_URL/v1/search?q=rg")
check "[ $code = 405 ]" "POST: $code, not 405"

# --- the page, without JavaScript: server-rendered results, escaped
code=$(get "/search?q=zzxss+probe&license=free")
check "[ $code = 200 ]" "/search: $code"
grep -q 'id="result-0"' "$TEST_TMP/body" || fail "/search: no results"
grep -q '<option value="free" selected>' "$TEST_TMP/body" || fail "/search: the license filter is not kept"
grep -q '&lt;script&gt;window.__fdnixPwned' "$TEST_TMP/body" || fail "/search: the description is not shown escaped"
grep -q 'javascript:' "$TEST_TMP/body" && fail "/search: a javascript: URL in the page"
# exactly one script: the page's own, from this origin
check "[ \$(grep -c '<script' $TEST_TMP/body) = 1 ]" "/search: more than the one <script> element"
grep -q '<script src="/static/app.js" defer></script>' "$TEST_TMP/body" || fail "/search: no app.js"
grep -q 'href="https://github.com/NixOS/nixpkgs/blob/master/pkgs/by-name/xs/xssScript/package.nix#L12"' "$TEST_TMP/body" \
  || fail "/search: no source link for xssScript"
code=$(get "/")
check "[ $code = 200 ]" "/: $code"
grep -q 'id="result-0"' "$TEST_TMP/body" && fail "/: results without a query"
for f in app.js style.css; do
  code=$(get "/static/$f")
  check "[ $code = 200 ]" "/static/$f: $code"
done
get /static/app.js >/dev/null
grep -Eq 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(' "$TEST_TMP/body" && fail "app.js parses HTML"

# --- /metrics counts what was answered
curl -s "$SERVE_URL/metrics" >"$TEST_TMP/metrics"
grep -Eq '^fdnix_http_requests_total\{route="search",status="200"\} [0-9]+$' "$TEST_TMP/metrics" || fail "metrics: no search 200"
grep -Eq '^fdnix_http_requests_total\{route="search",status="400"\} 10$' "$TEST_TMP/metrics" || fail "metrics: not 10 search 400s"
grep -Eq '^fdnix_http_requests_total\{route="other",status="404"\} [0-9]+$' "$TEST_TMP/metrics" || fail "metrics: no 404"
grep -Eq '^fdnix_http_request_duration_seconds_bucket\{route="search",le="\+Inf"\} [0-9]+$' "$TEST_TMP/metrics" || fail "metrics: no histogram"
grep -Eq '^fdnix_snapshot_age_seconds [0-9.e+]+$' "$TEST_TMP/metrics" || fail "metrics: no snapshot age"
grep -Eq '^fdnix_snapshot_reloads_refused_total 0$' "$TEST_TMP/metrics" || fail "metrics: refused reloads"
grep -Eq '^fdnix_search_cache_hits_total [1-9][0-9]*$' "$TEST_TMP/metrics" || fail "metrics: no cache hit"

# --- beyond the in-flight cap: 503 with Retry-After, never a crash
kill -TERM "$SERVE_PID"
start_serve --max-in-flight 1 --threads 1
seq 1 40 | xargs -P 20 -I{} curl -s -o /dev/null -D - "$SERVE_URL/v1/search?q=terminal+file+manager+{}&limit=100" \
  >"$TEST_TMP/burst" 2>&1
grep -c '^HTTP/1.1 200' "$TEST_TMP/burst" >"$TEST_TMP/n200" || true
grep -c '^HTTP/1.1 503' "$TEST_TMP/burst" >"$TEST_TMP/n503" || true
check "[ \$(cat $TEST_TMP/n200) -ge 1 ]" "in-flight cap: no 200 at all"
if [ "$(cat "$TEST_TMP/n503")" -ge 1 ]; then
  grep -qi '^retry-after: 1' "$TEST_TMP/burst" || fail "503 without Retry-After"
fi
check "[ \$(( \$(cat $TEST_TMP/n200) + \$(cat $TEST_TMP/n503) )) = 40 ]" "in-flight cap: answers other than 200 and 503"
kill -0 "$SERVE_PID" || fail "the server died under the burst"
echo "in-flight cap 1: $(cat "$TEST_TMP/n200") answered, $(cat "$TEST_TMP/n503") refused with 503"
exit 0
