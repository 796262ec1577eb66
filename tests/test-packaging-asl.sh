#!/bin/sh
# The Step Functions state machine passes asl-validator (npm), and the
# validator is live: a copy with a dangling transition is rejected.
. "$(dirname "$0")/lib.sh"
need node
nm=$(node_modules_dir) || skip "npm test servers not installed (npm install --prefix tests/servers)"
validator="$nm/.bin/asl-validator"
[ -x "$validator" ] || skip "asl-validator is not installed in $nm"

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
sm="$top/containers/stepfunctions/fdnix-daily-pipeline.asl.json"
"$validator" --json-path "$sm" || fail "asl-validator rejects $sm"

sed 's/"Next": "Index"/"Next": "NoSuchState"/' "$sm" > "$TEST_TMP/broken.json"
cmp -s "$sm" "$TEST_TMP/broken.json" && fail "could not derive the broken copy"
if "$validator" --json-path "$TEST_TMP/broken.json" >/dev/null 2>&1; then
  fail "asl-validator accepted a state machine with a dangling transition"
fi
echo "ok"
