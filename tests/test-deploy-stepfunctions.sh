#!/bin/bash
# The AWS deployment, end to end, run as AWS runs it.
#
# containers/aws-apply.sh --render-only renders the state machine, the ECS
# task definitions and the IAM policies; tests/deploy/run-pipeline.mjs runs
# that state machine in an ASL interpreter (npm aws-local-stepfunctions),
# where every ecs:runTask.sync state starts the built program with exactly
# its task definition's command and environment (plus the state's
# overrides), as uid 10001 with an empty HOME and no AWS keys: credentials
# come only from a container credentials endpoint serving each task role's
# temporary credentials.  Every AWS request goes through an IAM proxy that
# checks its signature against those credentials and the request against
# the task role's rendered policy; the states role's policy is checked before
# each task starts.  Stand-ins: dynalite (DynamoDB), s3rver (S3), the Bedrock
# test server.
#
# Runs: a first run (the table equals the input, the index lists every
# package once), a rerun (nothing written, nothing embedded), a change with a
# shard killed on its first attempt (retried by the state machine's Retry;
# the snapshot stays exact), a change with a shard that always dies (the
# execution fails, the published index is untouched), and a clean run that
# converges.
#
# FDNIX_DEPLOY_HOOK, when set, is run by sh with the render directory as $1
# before anything starts (to try a broken deployment by hand, e.g.
#   FDNIX_DEPLOY_HOOK='sed -i s/DYNAMODB_TABLE/DYNAMO_TABLE/ "$1"/fdnix-metadata.task.json').
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"

need node python3 jq curl setpriv
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import botocore' 2>/dev/null \
  || skip "Debian's python3-botocore is not installed (the IAM proxies check signatures with it)"
[ -x /usr/bin/aws ] || skip "/usr/bin/aws (Debian's awscli) is not installed"
modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
for m in aws-local-stepfunctions s3rver dynalite; do
  [ -d "$modules/$m" ] || skip "$m is not installed in $modules (npm ci --prefix tests/servers)"
done
[ "$(id -u)" = 0 ] || skip "the tasks run as their task definition's user (10001): needs root, as CI has"
for p in fdnix-metadata fdnix-embed; do
  [ -x "$FDNIX_BUILDDIR/$p" ] || skip "$p is not built"
done
[ -x "$FDNIX_BUILDDIR/tests/embed-tool" ] || skip "tests/embed-tool is not built"

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
deploy="$FDNIX_TESTS_SRCDIR/deploy"
py=/usr/bin/python3

# The tasks' user must reach its programs, HOME and logs under $TEST_TMP.
chmod 0711 "$TEST_TMP"
# The image: the programs at their place (/usr/bin in containers/*.Dockerfile).
mkdir -p "$TEST_TMP/image/usr/bin" "$TEST_TMP/tasks"
chmod 0755 "$TEST_TMP/image" "$TEST_TMP/image/usr" "$TEST_TMP/image/usr/bin"
for p in fdnix-metadata fdnix-embed; do
  # a libtool wrapper script would not survive the copy
  head -c 4 "$FDNIX_BUILDDIR/$p" | grep -q ELF || fail "$FDNIX_BUILDDIR/$p is not a program (a libtool wrapper?)"
  install -m 0755 "$FDNIX_BUILDDIR/$p" "$TEST_TMP/image/usr/bin/$p"
done
chmod 0711 "$TEST_TMP/tasks"
# (the images' user; the harness takes each task's from its definition)
setpriv --reuid=10001 --regid=10001 --clear-groups -- test -x "$TEST_TMP/image/usr/bin/fdnix-embed" \
  || fail "an unprivileged user cannot reach $TEST_TMP: set TMPDIR to a directory everybody may traverse"

# --- render the deployment with placeholder values of our choosing
ACCOUNT=123456789012
REGION=us-east-1
TABLE=fdnix-e2e-packages
BUCKET=fdnix-e2e-vectors
MODEL=cohere.embed-english-v3
render="$TEST_TMP/render"
AWS_REGION=$REGION ACCOUNT_ID=$ACCOUNT TABLE=$TABLE BUCKET=$BUCKET MODEL_ID=$MODEL \
  SUBNET_IDS=subnet-0e2e0001,subnet-0e2e0002 SECURITY_GROUP_IDS=sg-0e2e0001 \
  sh "$top/containers/aws-apply.sh" --render-only "$render" >"$TEST_TMP/render.log" 2>&1 \
  || fail "containers/aws-apply.sh --render-only: $(cat "$TEST_TMP/render.log")"
if [ -n "${FDNIX_DEPLOY_HOOK:-}" ]; then
  sh -c "$FDNIX_DEPLOY_HOOK" hook "$render" || fail "FDNIX_DEPLOY_HOOK failed"
  echo "# FDNIX_DEPLOY_HOOK applied to $render" >&2
fi
chmod -R a+rX "$render"

# --- the harness configuration; the task roles' temporary credentials
config () { # OUT RESULT INPUT-JSON FAULTS-JSON METADATA-INPUT
  jq -n --arg render "$render" --arg apply "$top/containers/aws-apply.sh" \
    --arg roles "$TEST_TMP/roles.json" --arg modules "$modules" --arg scratch "$TEST_TMP/tasks/$2" \
    --arg result "$TEST_TMP/$2.result.json" --arg py "$py" --arg iam "$deploy/iam_policy.py" \
    --arg setpriv "$(command -v setpriv)" --arg bin "$TEST_TMP/image/usr/bin" \
    --arg creds "${creds_url:-}" --arg ddb "${ddb_proxy:-}" --arg s3 "${s3_proxy:-}" \
    --arg bedrock "${bedrock_proxy:-}" --arg input_file "${5:-}" \
    --argjson input "$3" --argjson faults "$4" \
    '{renderDir: $render, applyScript: $apply, roles: $roles, nodeModules: $modules,
      scratch: $scratch, result: $result, python: $py, iamPolicy: $iam, setpriv: $setpriv,
      programs: {"fdnix-metadata": ($bin + "/fdnix-metadata"), "fdnix-embed": ($bin + "/fdnix-embed")},
      credentialsUrl: $creds,
      endpoints: {AWS_ENDPOINT_URL_DYNAMODB: $ddb, AWS_ENDPOINT_URL_S3: $s3,
                  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: $bedrock},
      programEnvironment: {"fdnix-metadata": {FDNIX_INPUT: $input_file}},
      input: $input, faults: $faults}' >"$1"
}
config "$TEST_TMP/roles-config.json" roles '{}' '[]'
node "$deploy/run-pipeline.mjs" roles "$TEST_TMP/roles-config.json" || fail "reading the rendered deployment"
roles=$(jq -r '[.roles[].name] | join(" ")' "$TEST_TMP/roles.json")
echo "# task roles: $roles" >&2

# --- servers: the stand-ins, the credentials endpoint, an IAM proxy each
start_dynalite ddb
port=$(free_port)
mkdir -p "$TEST_TMP/s3"
FDNIX_NODE_MODULES=$modules start_server s3rver "$port" node --openssl-legacy-provider \
  "$deploy/s3rver-roles.js" "$TEST_TMP/roles.json" "$TEST_TMP/s3" "$port" "$BUCKET"
s3=http://127.0.0.1:$port
port=$(free_port)
AWS_SECRET_ACCESS_KEY=S3RVER start_server bedrock "$port" $py "$FDNIX_TESTS_SRCDIR/servers/bedrock-server.py" --port "$port" \
  --credentials "$TEST_TMP/roles.json"
bedrock=http://127.0.0.1:$port
port=$(free_port)
start_server credentials "$port" $py "$deploy/container-credentials.py" --port "$port" \
  --roles "$TEST_TMP/roles.json" --account "$ACCOUNT"
creds_url=http://127.0.0.1:$port
iam_proxy () { # VAR SERVICE UPSTREAM
  port=$(free_port)
  start_server "iam-$2" "$port" $py "$deploy/iam-proxy.py" --service "$2" --upstream "$3" \
    --roles "$TEST_TMP/roles.json" --account "$ACCOUNT" --port "$port" --log "$TEST_TMP/iam-$2.jsonl"
  eval "$1=http://127.0.0.1:$port"
}
iam_proxy ddb_proxy dynamodb "$ddb"
iam_proxy s3_proxy s3 "$s3"
iam_proxy bedrock_proxy bedrock "$bedrock"

# The test's own view of the services: dummy static keys, straight to the
# stand-ins (never the programs' environment).
as_test () {
  env AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=$REGION \
    AWS_ENDPOINT_URL_DYNAMODB="$ddb" AWS_ENDPOINT_URL_S3="$s3" AWS_ENDPOINT_URL_BEDROCK_RUNTIME="$bedrock" \
    DYNAMODB_TABLE=$TABLE S3_BUCKET=$BUCKET BEDROCK_MODEL_ID=$MODEL FDNIX_DATA_DIR="$TEST_TMP/test-data" "$@"
}
# The operator creates the table (aws-apply.sh leaves data to them).
as_test /usr/bin/aws dynamodb create-table --endpoint-url "$ddb" --table-name "$TABLE" \
  --attribute-definitions AttributeName=packageName,AttributeType=S AttributeName=version,AttributeType=S \
  --key-schema AttributeName=packageName,KeyType=HASH AttributeName=version,KeyType=RANGE \
  --billing-mode PAY_PER_REQUEST >/dev/null || fail "creating the table"

# --- helpers
RUN=""
run_pipeline () { # NAME PACKAGES.json FAULTS-JSON
  RUN=$1
  config "$TEST_TMP/$1.config.json" "$1" '{}' "$3" "$2"
  chmod a+r "$2"
  node "$deploy/run-pipeline.mjs" run "$TEST_TMP/$1.config.json" || fail "$1: the harness failed"
  R="$TEST_TMP/$1.result.json"
  echo "# $1: $(jq -r '.status + " " + (.error // "")' "$R"); tasks:" >&2
  jq -r '.tasks[] | "#   \(.seq) \(.state) \(.program // "-") \(.argv // [] | join(" ")) -> \(.exitCode // .denied)\(if .fault then "  [fault: " + .fault + "]" else "" end)"' "$R" >&2
}
task_errors () { # the failed tasks' error lines, as CloudWatch would show them
  jq -r '.tasks[] | select(.exitCode != 0) | .stderr // empty' "$R" | while read -r log; do
    [ -f "$log" ] || continue
    # a usage error (exit 2) is "program: message" and a --help hint
    grep -h -E '"level":"(error|critical)"|error:' "$log" | tail -2 | grep . \
      || grep -v -e '^Try ' -e '^$' "$log" | tail -1
  done
}
expect_succeeded () {
  if [ "$(jq -r .status "$R")" != SUCCEEDED ]; then
    echo "--- failed tasks' logs:" >&2
    task_errors >&2
    jq -r '.denials[] | "DENIED (states role): \(.action) on \(.resource): \(.why)"' "$R" >&2
    said=$(task_errors | head -1)
    said=$(printf '%s' "$said" | jq -r '.message // empty' 2>/dev/null || printf '%s' "$said")
    fail "$RUN: the execution failed with $(jq -r .error "$R")${said:+; a task said: $said}; cause: $(jq -r '(.cause // "") | tostring | .[0:400]' "$R")"
  fi
}
check_store () { # the metadata task must have used the table, not a local file
  summaries fdnix-metadata | jq -r '.info.store // "no store in the summary"' | while read -r store; do
    case $store in
      "DynamoDB table $TABLE "*) ;;
      *) fail "$RUN: fdnix-metadata kept the package table in '$store', not in the DynamoDB table $TABLE: its task definition's environment does not configure the table" ;;
    esac
  done || exit 1
}
check_iam () {
  for s in dynamodb s3 bedrock; do
    if grep -q '"outcome": "\(denied\|bad_signature\)"' "$TEST_TMP/iam-$s.jsonl" 2>/dev/null; then
      grep '"outcome": "\(denied\|bad_signature\)"' "$TEST_TMP/iam-$s.jsonl" | jq -r '"  " + .reason' | sort | uniq -c | head -5 >&2
      fail "$RUN: $s refused requests of the programs (IAM policy or credentials, above)"
    fi
  done
  jq -e '.denials | length == 0' "$R" >/dev/null || fail "$RUN: the states role was denied: $(jq -c .denials "$R")"
}
summaries () { # PROGRAM: the run summaries (FDNIX_SUMMARY_JSON=-) of its successful tasks
  jq -r --arg p "$1" '.tasks[] | select(.program == $p and .exitCode == 0) | .stdout' "$R" \
    | while read -r f; do jq -c 'select(.program != null)' "$f"; done
}
check_table () { # EXPECTED.jsonl
  ddb_scan "$ddb" "$TABLE" "$TEST_TMP/scan-$RUN"
  $py "$FDNIX_TESTS_SRCDIR/servers/ddb_items.py" keys "$TEST_TMP"/scan-$RUN/*.json | sort >"$TEST_TMP/$RUN.keys"
  jq -r '[.packageName, .version] | @tsv' "$1" | sort >"$TEST_TMP/$RUN.expected-keys"
  if ! cmp -s "$TEST_TMP/$RUN.keys" "$TEST_TMP/$RUN.expected-keys"; then
    diff "$TEST_TMP/$RUN.expected-keys" "$TEST_TMP/$RUN.keys" | head -5 >&2
    fail "$RUN: the table holds $(wc -l <"$TEST_TMP/$RUN.keys") packages, the input $(wc -l <"$1") (or other keys; diff above)"
  fi
}
check_snapshot () { # COUNT
  as_test /usr/bin/aws s3 cp --endpoint-url "$s3" "s3://$BUCKET/vector-index/index.json.gz" \
    "$TEST_TMP/$RUN.index.json.gz" >/dev/null 2>"$TEST_TMP/$RUN.s3.err" \
    || fail "$RUN: no vector-index/index.json.gz in the bucket: $(cat "$TEST_TMP/$RUN.s3.err")"
  listed=$(gzip -dc "$TEST_TMP/$RUN.index.json.gz" | jq '.total_vectors')
  check "[ '$listed' = $1 ]" "$RUN: the index lists $listed vectors, not $1"
  as_test "$FDNIX_BUILDDIR/tests/embed-tool" verify >"$TEST_TMP/$RUN.verify.json" 2>"$TEST_TMP/$RUN.verify.err" \
    || fail "$RUN: the snapshot is not exact: $(head -5 "$TEST_TMP/$RUN.verify.err")"
  jq -e ".records == $1 and .vectors == $1" "$TEST_TMP/$RUN.verify.json" >/dev/null \
    || fail "$RUN: snapshot check: $(cat "$TEST_TMP/$RUN.verify.json")"
}
index_sha () {
  as_test /usr/bin/aws s3 cp --endpoint-url "$s3" "s3://$BUCKET/vector-index/index.json.gz" - 2>/dev/null | sha256sum
}
expected () { # PACKAGES.json OUT.jsonl: the records, normalized offline in the test's environment
  as_test "$FDNIX_BUILDDIR/fdnix-metadata" --input "$1" --output "$2" 2>"$TEST_TMP/expected.log" \
    || fail "fdnix-metadata --output $1: $(tail -3 "$TEST_TMP/expected.log")"
}

N=300
$py "$deploy/make-packages.py" $N >"$TEST_TMP/p1.json"
expected "$TEST_TMP/p1.json" "$TEST_TMP/p1.jsonl"

# --- 1. the first run
run_pipeline first "$TEST_TMP/p1.json" '[]'
expect_succeeded
check_store
check_iam
for role in $roles; do
  jq -e --arg r "$role" '.by_role[$r] > 0' <<<"$(curl -sf "$creds_url/__credentials/stats")" >/dev/null \
    || fail "first: no task of role $role fetched credentials from the container endpoint"
done
jq -e '[.tasks[].environment[] | select(test("^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$"))] | length == 0' "$R" >/dev/null \
  || fail "first: a task had static AWS keys or a profile in its environment"
for program in fdnix-metadata fdnix-embed; do
  jq -e --arg p "$program" '[.tasks[] | select(.program == $p)] | length > 0' "$R" >/dev/null \
    || fail "first: no task ran $program"
done
[ "$(grep -c '"outcome": "allowed"' "$TEST_TMP/iam-dynamodb.jsonl")" -gt 0 ] \
  || fail "first: no DynamoDB request reached the table (did a task definition lose a variable?)"
written=$(summaries fdnix-metadata | jq -s 'map(.counts.written) | add')
check "[ '$written' = $N ]" "first: fdnix-metadata wrote $written packages, not $N"
embedded=$(summaries fdnix-embed | jq -s 'map(.counts.embedded // 0) | add')
check "[ '$embedded' = $N ]" "first: the shards embedded $embedded packages, not $N once each"
check_table "$TEST_TMP/p1.jsonl"
check_snapshot $N
sha1=$(index_sha)
texts1=$(curl -sf "$bedrock/__stats" | jq .texts)

# --- 2. a rerun on the same input writes and embeds nothing
run_pipeline rerun "$TEST_TMP/p1.json" '[]'
expect_succeeded
check_store
check_iam
summaries fdnix-metadata | jq -e -s 'length == 1 and .[0].counts.written == 0 and .[0].counts.deleted == 0' >/dev/null \
  || fail "rerun: fdnix-metadata wrote: $(summaries fdnix-metadata | jq -c .counts)"
summaries fdnix-embed | jq -e -s 'length > 0 and all(.counts.embedded // 0 == 0 and (.counts.files_written // 0) == 0)' >/dev/null \
  || fail "rerun: fdnix-embed embedded or wrote: $(summaries fdnix-embed | jq -c .counts)"
texts2=$(curl -sf "$bedrock/__stats" | jq .texts)
check "[ '$texts2' = '$texts1' ]" "rerun: Bedrock embedded $((texts2 - texts1)) texts"
check "[ '$(index_sha)' = '$sha1' ]" "rerun: the index object changed"

# --- 3. a change; one shard is killed on its first attempt and retried
$py "$deploy/make-packages.py" $N --changed 0:60 --removed 280:300 --added 20 >"$TEST_TMP/p2.json"
expected "$TEST_TMP/p2.json" "$TEST_TMP/p2.jsonl"
run_pipeline retried "$TEST_TMP/p2.json" '[{"argument":"--shard","attempts":"first","crashAt":"after-put"}]'
expect_succeeded
check_store
check_iam
victim=$(jq -r '[.tasks[] | select(.fault)][0].argv | join(" ")' "$R")
[ -n "$victim" ] && [ "$victim" != null ] || fail "retried: the fault was not injected"
jq -e --arg v "$victim" '[.tasks[] | select((.argv | join(" ")) == $v) | .exitCode] | .[0] == 137 and .[-1] == 0 and length == 2' "$R" >/dev/null \
  || fail "retried: '$victim' should have been killed once (137) and retried once: $(jq -c --arg v "$victim" '[.tasks[] | select((.argv | join(" ")) == $v) | .exitCode]' "$R")"
n2=$(wc -l <"$TEST_TMP/p2.jsonl")
check_table "$TEST_TMP/p2.jsonl"
check_snapshot "$n2"
sha3=$(index_sha)

# --- 4. a change; one shard always dies: the execution fails, the index stays
$py "$deploy/make-packages.py" $N --changed 100:160 --removed 280:300 --added 20 >"$TEST_TMP/p3.json"
expected "$TEST_TMP/p3.json" "$TEST_TMP/p3.jsonl"
run_pipeline doomed "$TEST_TMP/p3.json" '[{"argument":"--shard","attempts":"all","crashAt":"after-put"}]'
check "[ \"\$(jq -r .status '$R')\" = FAILED ]" "doomed: the execution succeeded although a shard always died"
check_iam
victim=$(jq -r '[.tasks[] | select(.fault)][0].argv | join(" ")' "$R")
jq -e --arg v "$victim" '[.tasks[] | select((.argv | join(" ")) == $v) | .exitCode] | length >= 2 and all(. == 137)' "$R" >/dev/null \
  || fail "doomed: '$victim' was not retried and killed every time"
echo "# doomed: $(jq -r '.error + ": " + (.cause | tostring | .[0:200])' "$R")" >&2
check "[ '$(index_sha)' = '$sha3' ]" "doomed: the published index changed although the execution failed"

# --- 5. the next clean run converges
run_pipeline recovered "$TEST_TMP/p3.json" '[]'
expect_succeeded
check_store
check_iam
check_table "$TEST_TMP/p3.jsonl"
check_snapshot "$(wc -l <"$TEST_TMP/p3.jsonl")"
echo "ok: $(jq -s 'map(.outcome) | group_by(.) | map({(.[0]): length}) | add' "$TEST_TMP"/iam-*.jsonl | jq -c .) IAM decisions, credentials $(curl -sf "$creds_url/__credentials/stats" | jq -c .by_role)"
exit 0
