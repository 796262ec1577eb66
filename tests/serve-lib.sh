# tests/serve-lib.sh: shared by the fdnix-search --serve tests (sourced
# after lib.sh).
# - serve_snapshot INPUT: fdnix-metadata and fdnix-embed on INPUT, into
#   $FDNIX_DATA_DIR (SQLite, directory, offline embedder).
# - serve_fixture: the 45-package search fixture plus the hostile packages
#   (descriptions with markup, javascript: homepages), as one input file.
# - start_serve [OPTION...]: fdnix-search --serve on a free port, logging
#   to $TEST_TMP/serve.log; waits until /healthz answers 200.  Sets
#   SERVE_PORT, SERVE_URL and SERVE_PID.

: >"$TEST_TMP/empty.conf"
export FDNIX_CONFIG="$TEST_TMP/empty.conf"
export FDNIX_DATA_DIR="$TEST_TMP/data"
export FDNIX_IDF_FILE="$FDNIX_TESTS_SRCDIR/../data/fdnix-offline-idf.tsv.gz"

serve_snapshot () {
  fdnix-metadata --input "$1" --min-packages 1 --log-format=json 2>>"$TEST_TMP/meta.log" \
    || fail "fdnix-metadata $1: $(tail -3 "$TEST_TMP/meta.log")"
  fdnix-embed --vectors-per-file 10 --log-format=json 2>>"$TEST_TMP/embed.log" \
    || fail "fdnix-embed: $(tail -3 "$TEST_TMP/embed.log")"
}

serve_fixture () {
  jq -s '.[0] * .[1]' "$FDNIX_TESTS_SRCDIR/data/search/packages.json" \
    "$FDNIX_TESTS_SRCDIR/data/serve/hostile-packages.json" >"$TEST_TMP/fixture.json" \
    || fail "cannot merge the fixtures"
  echo "$TEST_TMP/fixture.json"
}

start_serve () {
  SERVE_PORT=$(free_port)
  SERVE_URL="http://127.0.0.1:$SERVE_PORT"
  start_server serve "$SERVE_PORT" fdnix-search --serve --listen "127.0.0.1:$SERVE_PORT" \
    --log-format=json -v "$@"
  SERVE_PID=$pid
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$SERVE_URL/healthz")" = 200 ] && return 0
    sleep 0.1
  done
  cat "$TEST_TMP/serve.log" >&2
  fail "fdnix-search --serve: /healthz never answered 200"
}
