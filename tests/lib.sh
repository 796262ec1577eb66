# tests/lib.sh: shared shell for integration tests (sourced, POSIX sh + bash).
#
# - skip REASON: exit 77 (automake's SKIP), or fail when FDNIX_REQUIRE_ALL=1,
#   which .ci/run sets so that a missing server never passes silently.
# - free_port: a free TCP port on 127.0.0.1.
# - start_server NAME PORT CMD...: runs CMD in the background, logs to
#   $TEST_TMP/NAME.log, waits until 127.0.0.1:PORT accepts connections.
# - Every server started here is stopped on exit, whatever the outcome.
# - fail MESSAGE / check CONDITION MESSAGE: assertions with a clear message.

set -u

: "${FDNIX_BUILDDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${FDNIX_TESTS_SRCDIR:=$(cd "$(dirname "$0")" && pwd)}"
TEST_NAME=$(basename "$0" .sh)
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-$TEST_NAME-XXXXXX")
SERVER_PIDS=""

# Tests never talk to AWS or instance metadata; credentials are fake.
export AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=AKIDFDNIXTEST0000000
export AWS_SECRET_ACCESS_KEY=fdnixTestSecretKey0000000000000000000000
export AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
      AWS_CONTAINER_CREDENTIALS_FULL_URI DYNAMODB_TABLE S3_BUCKET BEDROCK_MODEL_ID \
      AWS_ENDPOINT_URL 2>/dev/null || true
export FDNIX_CONFIG=/dev/null
export HOME="$TEST_TMP/home"
export XDG_DATA_HOME="$TEST_TMP/home/.local/share"
export XDG_CONFIG_HOME="$TEST_TMP/home/.config"
mkdir -p "$HOME"

PATH="$FDNIX_BUILDDIR:$PATH"
export PATH

cleanup () {
  # Runs at exit, maybe under set -e: nothing here may fail the test.
  for pid in $SERVER_PIDS; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $SERVER_PIDS; do
    # give servers a moment, then insist
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "${FDNIX_KEEP_TMP:-0}" = 1 ]; then
    echo "# kept $TEST_TMP" >&2
  else
    rm -rf "$TEST_TMP" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skip () {
  if [ "${FDNIX_REQUIRE_ALL:-0}" = 1 ]; then
    echo "FAIL (required, cannot skip): $*" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  exit 77
}

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

# check "test expression..." "message"
check () {
  if ! eval "$1"; then
    fail "$2 (check: $1)"
  fi
}

need () {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
  done
}

free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_port () {
  port=$1; tries=${2:-150}
  while [ "$tries" -gt 0 ]; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    tries=$((tries - 1))
    sleep 0.1
  done
  return 1
}

start_server () {
  name=$1; port=$2; shift 2
  # In $(...) the pid would be lost and the server outlive the test.
  [ "${BASH_SUBSHELL:-0}" = 0 ] || fail "start_server $name: called in a subshell"
  "$@" >"$TEST_TMP/$name.log" 2>&1 &
  pid=$!
  SERVER_PIDS="$SERVER_PIDS $pid"
  if ! wait_for_port "$port" "${SERVER_START_TRIES:-300}"; then
    echo "--- $name log:" >&2
    cat "$TEST_TMP/$name.log" >&2
    fail "$name did not start on 127.0.0.1:$port"
  fi
}

# Where the npm test servers live (installed by .ci/run or by hand).
node_modules_dir () {
  for d in "${FDNIX_NODE_MODULES:-}" "$FDNIX_TESTS_SRCDIR/servers/node_modules"; do
    if [ -n "$d" ] && [ -d "$d" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}
