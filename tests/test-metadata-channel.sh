#!/bin/bash
# fdnix-metadata --channel: a channel's packages.json.br over HTTPS from a
# local test server with its own CA, brotli-decoded and parsed as one
# stream.  TLS verification stays on (an unknown CA fails), 503s are
# retried, and a download cut short fails without touching the store.
. "$(dirname "$0")/lib.sh"
need python3 openssl jq sqlite3

server="$FDNIX_TESTS_SRCDIR/servers/https-file-server.py"
root="$TEST_TMP/www"
mkdir -p "$root/nixos-test"
cp "$FDNIX_TESTS_SRCDIR/data/metadata/small.json.br" "$root/nixos-test/packages.json.br"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$TEST_TMP/key.pem" -out "$TEST_TMP/cert.pem" 2>/dev/null \
  || fail "openssl could not make a test certificate"

# Sets $port; not called in $(...), so that lib.sh's cleanup knows the server.
start_https () {
  name=$1; shift
  port=$(free_port)
  start_server "$name" "$port" python3 "$server" --root "$root" --cert "$TEST_TMP/cert.pem" \
    --key "$TEST_TMP/key.pem" --port "$port" "$@"
}
run () {
  set +e
  "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
  status=$?
  set -e
}

db="$TEST_TMP/db.sqlite"
start_https good
printf '[input]\nchannel-base-url=https://127.0.0.1:%s\n' "$port" > "$TEST_TMP/fdnix.conf"

# an unknown CA is refused: verification is on
run fdnix-metadata --config "$TEST_TMP/fdnix.conf" --channel nixos-test --database "$db" --log-format=text
check '[ "$status" = 1 ]' "unknown CA fails the run"
grep -qi 'certificate' "$TEST_TMP/err" || { cat "$TEST_TMP/err"; fail "the error names the certificate problem"; }

export CURL_CA_BUNDLE="$TEST_TMP/cert.pem"
run fdnix-metadata --config "$TEST_TMP/fdnix.conf" --channel nixos-test --database "$db" --summary-json "$TEST_TMP/s.json"
check '[ "$status" = 0 ]' "channel download succeeds with the CA ($(cat "$TEST_TMP/err" | tail -3))"
check '[ "$(sqlite3 "$db" "select count(*) from packages")" = 20 ]' "20 packages from the channel"
grep -q "https://127.0.0.1:$port/nixos-test/packages.json.br" "$TEST_TMP/s.json" || fail "summary names the channel URL"

# a full URL works too, and a rerun writes nothing
run fdnix-metadata --channel "https://127.0.0.1:$port/nixos-test/packages.json.br" --database "$db" --summary-json "$TEST_TMP/s2.json"
check '[ "$status" = 0 ] && [ "$(jq .counts.written "$TEST_TMP/s2.json")" = 0 ]' "rerun from the URL writes nothing"

# 503 twice, then the file: retried with back-off
start_https flaky --fail-first 2
flaky=$port
run fdnix-metadata --channel "https://127.0.0.1:$flaky/nixos-test/packages.json.br" --database "$TEST_TMP/db2.sqlite" --summary-json "$TEST_TMP/s3.json"
check '[ "$status" = 0 ]' "503s are retried"
check '[ "$(jq .retries.total "$TEST_TMP/s3.json")" -ge 2 ]' "retries counted in the summary"

# a download cut short: exit 1, store untouched
before=$(sqlite3 "$db" .dump | sha256sum)
start_https cut --truncate 600
cut=$port
run fdnix-metadata --channel "https://127.0.0.1:$cut/nixos-test/packages.json.br" --database "$db" --log-format=text
check '[ "$status" = 1 ]' "truncated download fails"
grep -q 'error:' "$TEST_TMP/err" || fail "one error line"
check '[ "$(sqlite3 "$db" .dump | sha256sum)" = "$before" ]' "store unchanged after a cut download"

# --channel and --input together are a usage error
run fdnix-metadata --channel nixos-test --input "$FDNIX_TESTS_SRCDIR/data/metadata/small.json" --database "$db"
check '[ "$status" = 2 ]' "two inputs are a usage error"
exit 0
