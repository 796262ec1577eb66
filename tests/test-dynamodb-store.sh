#!/bin/bash
# The DynamoDB store through the FdnixStore interface (check-dynamodb-store)
# against dynalite and against Amazon's DynamoDB Local.
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
check_bin="$FDNIX_BUILDDIR/tests/check-dynamodb-store"
[ -x "$check_bin" ] || skip "check-dynamodb-store not built (needs the check library)"

start_dynalite dynalite
start_dynamodb_local ddblocal
for endpoint in "$dynalite" "$ddblocal"; do
  echo "# check-dynamodb-store against $endpoint"
  FDNIX_TEST_DYNAMODB_ENDPOINT=$endpoint "$check_bin" || fail "check-dynamodb-store against $endpoint"
done
