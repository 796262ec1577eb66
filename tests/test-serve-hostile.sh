#!/bin/bash
# Hostile HTTP against fdnix-search --serve (tests/serve-hostile.py):
# oversized request lines and headers, bad UTF-8 and percent-encoding,
# huge limit and offset, bodies, unknown routes and methods get a 4xx or
# are dropped; slow and idle clients are dropped after the request
# timeout; the server answers plain searches throughout and is alive at
# the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve-lib.sh"
need jq curl python3

serve_snapshot "$(serve_fixture)"
start_serve --request-timeout 2 --max-in-flight 16
timeout 120 python3 "$FDNIX_TESTS_SRCDIR/serve-hostile.py" "$SERVE_PORT" 2 || fail "hostile clients (see above)"
kill -0 "$SERVE_PID" 2>/dev/null || fail "the server died"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE_URL/healthz")" = 200 ] || fail "/healthz after the hostile clients"
grep -Eq '"level":"(critical|error)"' "$TEST_TMP/serve.log" && fail "errors logged: $(grep -E 'critical|error' "$TEST_TMP/serve.log" | head -3)"
exit 0
