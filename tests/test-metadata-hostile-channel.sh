#!/bin/bash
# fdnix-metadata --channel against hostile or absent servers (issue 13):
# a plain http:// channel is a usage error (the channel is documented as
# fetched over verified TLS; the tests use an HTTPS server with their own
# CA, so no loopback exception); an endpoint that refuses connections is
# given up on after 3 attempts, not 15; a server that drips its body or
# sends headers and then nothing is cut off by the download deadline and
# the low-speed limit.  The store is untouched each time.
. "$(dirname "$0")/lib.sh"
need python3 openssl sqlite3
hostile="$FDNIX_TESTS_SRCDIR/servers/hostile-server.py"
db="$TEST_TMP/db.sqlite"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$TEST_TMP/key.pem" -out "$TEST_TMP/cert.pem" 2>/dev/null \
  || fail "openssl could not make a test certificate"
export CURL_CA_BUNDLE="$TEST_TMP/cert.pem"

# a store with something in it, to see that nothing touches it
fdnix-metadata --input "$FDNIX_TESTS_SRCDIR/data/metadata/small.json" --database "$db" 2>"$TEST_TMP/load.err" \
  || fail "load: $(tail -3 "$TEST_TMP/load.err")"
before=$(sqlite3 "$db" .dump | sha256sum)

run () {
  set +e
  start=$(date +%s%N)
  "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  set -e
  echo "# $*: exit $status in $ms ms" >&2
}
untouched () {
  check "[ \"\$(sqlite3 '$db' .dump | sha256sum)\" = '$before' ]" "$1: the store changed"
}

# 15. plain HTTP, as a URL or as the base URL: exit 2, and why
run fdnix-metadata --channel "http://127.0.0.1:9/nixos-test/packages.json.br" --database "$db"
check '[ "$status" = 2 ]' "http:// channel URL: exit $status"
grep -q 'not https://' "$TEST_TMP/err" || fail "http:// channel URL: $(cat "$TEST_TMP/err")"
printf '[input]\nchannel-base-url=http://127.0.0.1:9\n' >"$TEST_TMP/http.conf"
run fdnix-metadata --config "$TEST_TMP/http.conf" --channel nixos-test --database "$db"
check '[ "$status" = 2 ]' "http:// channel-base-url: exit $status"
grep -q 'channel-base-url' "$TEST_TMP/err" || fail "the message names the setting: $(cat "$TEST_TMP/err")"
untouched "http://"

# 18. nothing listens: 3 attempts, a clear message, seconds not minutes
port=$(free_port)
run fdnix-metadata --channel "https://127.0.0.1:$port/nixos-test/packages.json.br" --database "$db" --log-format=text
check '[ "$status" = 1 ]' "refused: exit $status"
grep -q 'error: .*cannot reach the server (3 attempts' "$TEST_TMP/err" || fail "refused: $(cat "$TEST_TMP/err")"
check '[ "$ms" -lt 15000 ]' "refused: took $ms ms"
untouched "refused"

# 17. a drip (1 byte/s: under the low-speed limit; 500 bytes/s: over it,
# caught by the deadline) and a stall, with the deadline and low-speed
# time shortened for the test (their defaults are in fdnix.conf(5))
printf '[http]\ndownload-timeout=4\nlow-speed-time=2\n' >"$TEST_TMP/slow.conf"
for mode in "drip --interval 1" "drip --interval 0.002" "stall"; do
  label=$(echo "$mode" | tr -c 'a-z0-9\n' '-')
  port=$(free_port)
  # shellcheck disable=SC2086
  start_server "$label" "$port" python3 "$hostile" --port "$port" --cert "$TEST_TMP/cert.pem" \
    --key "$TEST_TMP/key.pem" --mode $mode
  # plain JSON, so that the spaces the server drips are valid input
  run fdnix-metadata --config "$TEST_TMP/slow.conf" --database "$db" --log-format=text \
    --channel "https://127.0.0.1:$port/nixos-test/packages.json"
  check '[ "$status" = 1 ]' "$label: exit $status: $(cat "$TEST_TMP/err")"
  grep -Eq 'error: .*(timed-out attempts|too slow|timed out)' "$TEST_TMP/err" || fail "$label: $(cat "$TEST_TMP/err")"
  check '[ "$ms" -lt 40000 ]' "$label: took $ms ms"
  untouched "$label"
done
exit 0
