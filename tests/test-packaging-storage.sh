#!/bin/sh
# containers/aws-apply.sh --storage-only (the first step of a deployment)
# against dynalite and s3rver, with the real AWS CLI: on a fresh "account"
# it creates the package table (on demand, packageName S hash + version S
# range, ACTIVE when the script returns) and the bucket (with the region's
# location constraint, public access blocked); run again it creates nothing
# and keeps the data; in us-east-1 it sends no location constraint; a table
# with another key is an error.  Every aws call is logged by a wrapper in
# front of the real CLI, so the test sees what was asked, not only what the
# servers kept (s3rver ignores location constraints and has no public
# access blocks).
. "$(dirname "$0")/lib.sh"
. "$FDNIX_TESTS_SRCDIR/aws-servers.sh"
need python3 node jq
[ -x /usr/bin/aws ] || skip "the AWS CLI (/usr/bin/aws) is not installed"
modules=$(node_modules_dir) || skip "npm test servers not installed (npm ci --prefix tests/servers)"
[ -f "$modules/s3rver/bin/s3rver.js" ] || skip "s3rver is not installed"

apply="$FDNIX_TESTS_SRCDIR/../containers/aws-apply.sh"
# s3rver's fixed credentials (dynalite takes any)
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
start_dynalite ddb
start_s3rver s3

# the real CLI, each call's arguments logged first
mkdir -p "$TEST_TMP/bin"
cat > "$TEST_TMP/bin/aws" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$TEST_TMP/aws-calls.log"
exec /usr/bin/aws "\$@"
EOF
chmod +x "$TEST_TMP/bin/aws"

run_apply () { # LOG VAR=VALUE...: aws-apply.sh --storage-only; its status in $status
  log=$1; shift
  : > "$TEST_TMP/aws-calls.log"
  set +e
  env PATH="$TEST_TMP/bin:$PATH" "$@" sh "$apply" --storage-only >"$log" 2>&1
  status=$?
  set -e
}
table_view () { # ENDPOINT TABLE: key, billing and status as one line
  /usr/bin/aws --endpoint-url "$1" --region eu-west-1 dynamodb describe-table --table-name "$2" --output json |
    jq -r '.Table | [(.KeySchema | map("\(.AttributeName)=\(.KeyType)") | join(",")),
                     (.AttributeDefinitions | sort_by(.AttributeName) | map("\(.AttributeName):\(.AttributeType)") | join(",")),
                     .BillingModeSummary.BillingMode, .TableStatus] | join(" ")'
}

# --- a fresh account in eu-west-1: everything is created
env="AWS_REGION=eu-west-1 TABLE=fdnix-packages BUCKET=fdnix-vectors AWS_ENDPOINT_URL_DYNAMODB=$ddb AWS_ENDPOINT_URL_S3=$s3"
# shellcheck disable=SC2086
run_apply "$TEST_TMP/run1.log" $env
[ "$status" = 0 ] || { cat "$TEST_TMP/run1.log"; fail "first run exits $status"; }
cp "$TEST_TMP/aws-calls.log" "$TEST_TMP/calls1.log"
grep -qx 'table fdnix-packages created (on demand)' "$TEST_TMP/run1.log" || { cat "$TEST_TMP/run1.log"; fail "table not created"; }
grep -qx 'bucket fdnix-vectors created in eu-west-1' "$TEST_TMP/run1.log" || { cat "$TEST_TMP/run1.log"; fail "bucket not created"; }
view=$(table_view "$ddb" fdnix-packages)
check '[ "$view" = "packageName=HASH,version=RANGE packageName:S,version:S PAY_PER_REQUEST ACTIVE" ]' "describe-table: $view"
/usr/bin/aws --endpoint-url "$s3" --region eu-west-1 s3api head-bucket --bucket fdnix-vectors || fail "head-bucket: no bucket"
grep -q "^dynamodb --region eu-west-1 --endpoint-url $ddb create-table --table-name fdnix-packages --billing-mode PAY_PER_REQUEST " \
  "$TEST_TMP/calls1.log" || { cat "$TEST_TMP/calls1.log"; fail "create-table call"; }
tail -n +2 "$TEST_TMP/calls1.log" | grep -q "^dynamodb .* describe-table --table-name fdnix-packages --query Table.TableStatus" ||
  { cat "$TEST_TMP/calls1.log"; fail "no wait until ACTIVE"; }
grep -qx "s3api --region eu-west-1 --endpoint-url $s3 create-bucket --bucket fdnix-vectors --create-bucket-configuration LocationConstraint=eu-west-1" \
  "$TEST_TMP/calls1.log" || { cat "$TEST_TMP/calls1.log"; fail "create-bucket without eu-west-1's location constraint"; }
grep -qx "s3api .* put-public-access-block --bucket fdnix-vectors --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true" \
  "$TEST_TMP/calls1.log" || { cat "$TEST_TMP/calls1.log"; fail "public access is not blocked"; }
# s3rver answers NotImplemented: a warning for a non-AWS endpoint
grep -q "warning: $s3 does not implement public access blocks" "$TEST_TMP/run1.log" || { cat "$TEST_TMP/run1.log"; fail "no warning about s3rver"; }

# data the pipeline wrote in between
/usr/bin/aws --endpoint-url "$ddb" --region eu-west-1 dynamodb put-item --table-name fdnix-packages \
  --item '{"packageName":{"S":"hello"},"version":{"S":"2.12.1"}}' || fail "put-item"
echo '{}' | gzip > "$TEST_TMP/index.json.gz"
/usr/bin/aws --endpoint-url "$s3" --region eu-west-1 s3api put-object --bucket fdnix-vectors \
  --key vector-index/index.json.gz --body "$TEST_TMP/index.json.gz" >/dev/null || fail "put-object"

# --- the second night: nothing created, nothing lost
# shellcheck disable=SC2086
run_apply "$TEST_TMP/run2.log" $env
[ "$status" = 0 ] || { cat "$TEST_TMP/run2.log"; fail "second run exits $status"; }
grep -qx 'table fdnix-packages exists' "$TEST_TMP/run2.log" || { cat "$TEST_TMP/run2.log"; fail "second run: table"; }
grep -qx 'bucket fdnix-vectors exists' "$TEST_TMP/run2.log" || { cat "$TEST_TMP/run2.log"; fail "second run: bucket"; }
! grep -Eq 'create-table|create-bucket' "$TEST_TMP/aws-calls.log" || { cat "$TEST_TMP/aws-calls.log"; fail "second run created something"; }
view=$(table_view "$ddb" fdnix-packages)
check '[ "$view" = "packageName=HASH,version=RANGE packageName:S,version:S PAY_PER_REQUEST ACTIVE" ]' "describe-table after the rerun: $view"
count=$(/usr/bin/aws --endpoint-url "$ddb" --region eu-west-1 dynamodb scan --table-name fdnix-packages --select COUNT --query Count --output text)
check '[ "$count" = 1 ]' "the item survives the rerun (count $count)"
keys=$(/usr/bin/aws --endpoint-url "$s3" --region eu-west-1 s3api list-objects-v2 --bucket fdnix-vectors --query 'Contents[].Key' --output text)
check '[ "$keys" = vector-index/index.json.gz ]' "the object survives the rerun ($keys)"

# --- us-east-1 takes no location constraint; AWS_ENDPOINT_URL serves both
# services unless a service's own variable says otherwise
run_apply "$TEST_TMP/run3.log" AWS_REGION=us-east-1 TABLE=fdnix-packages-east BUCKET=fdnix-vectors-east \
  AWS_ENDPOINT_URL="$ddb" AWS_ENDPOINT_URL_S3="$s3"
[ "$status" = 0 ] || { cat "$TEST_TMP/run3.log"; fail "us-east-1 run exits $status"; }
grep -qx "s3api --region us-east-1 --endpoint-url $s3 create-bucket --bucket fdnix-vectors-east" "$TEST_TMP/aws-calls.log" ||
  { cat "$TEST_TMP/aws-calls.log"; fail "us-east-1: create-bucket with a location constraint"; }
grep -q "^dynamodb --region us-east-1 --endpoint-url $ddb create-table --table-name fdnix-packages-east " "$TEST_TMP/aws-calls.log" ||
  { cat "$TEST_TMP/aws-calls.log"; fail "AWS_ENDPOINT_URL not used for DynamoDB"; }

# --- an existing table with another key: one error line, exit 1
/usr/bin/aws --endpoint-url "$ddb" --region eu-west-1 dynamodb create-table --table-name fdnix-wrong-key \
  --billing-mode PAY_PER_REQUEST --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH >/dev/null || fail "create the wrong table"
run_apply "$TEST_TMP/run4.log" AWS_REGION=eu-west-1 TABLE=fdnix-wrong-key BUCKET=fdnix-vectors \
  AWS_ENDPOINT_URL_DYNAMODB="$ddb" AWS_ENDPOINT_URL_S3="$s3"
check '[ "$status" = 1 ]' "a table with another key gives exit 1 (got $status)"
grep -q '^aws-apply.sh: error: table fdnix-wrong-key exists with another key' "$TEST_TMP/run4.log" ||
  { cat "$TEST_TMP/run4.log"; fail "the wrong key is named"; }

# --- settings: --storage-only needs no network settings, but a bucket
set +e
env AWS_REGION=eu-west-1 sh "$apply" --storage-only >/dev/null 2>"$TEST_TMP/nobucket.log"
status=$?
set -e
check '[ "$status" != 0 ]' "no BUCKET is an error"
grep -q BUCKET "$TEST_TMP/nobucket.log" || fail "the missing BUCKET is named"
echo "ok"
