#!/bin/bash
# The page of fdnix-search --serve in a real browser: Debian's chromium,
# headless, driven by puppeteer-core from tests/servers
# (tests/serve-browser.js): typing, a filter, the keyboard, screenshots
# (tests/test-serve-browser*.png beside this test's log), and hostile
# package texts that must run no script, with JavaScript on and off.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve-lib.sh"
need jq curl node
chromium=${FDNIX_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium at $chromium"
modules=$(node_modules_dir) || skip "no npm test servers (npm ci --prefix tests/servers)"
[ -d "$modules/puppeteer-core" ] || skip "no puppeteer-core in $modules"
export FDNIX_NODE_MODULES=$modules FDNIX_CHROMIUM=$chromium
# chromium's own files (profile, crash reports) stay in this test's directory
export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/home/.config" XDG_CACHE_HOME="$TEST_TMP/home/.cache"

serve_snapshot "$(serve_fixture)"
start_serve
shots="${FDNIX_TESTS_BUILDDIR:-$TEST_TMP}/test-serve-browser"
timeout 180 node "$FDNIX_TESTS_SRCDIR/serve-browser.js" "$SERVE_URL" "$shots" || fail "the browser test (see above)"
for f in "$shots.png" "$shots-hostile.png" "$shots-nojs.png"; do
  [ -s "$f" ] || fail "no screenshot $f"
  head -c 8 "$f" | od -An -tx1 | grep -q '89 50 4e 47' || fail "$f is not a PNG"
  echo "screenshot: $f"
done
exit 0
