#!/bin/sh
# aws-apply.sh: create or update the fdnix AWS pipeline with the AWS CLI.
#
# Usage: containers/aws-apply.sh [--storage-only | --render-only DIR]
#
# Steps, in order; each creates what is missing and updates what exists, so
# running the script again is safe:
#   1. storage: the DynamoDB table TABLE (on demand, key packageName (S,
#      hash) + version (S, range); waits until it is ACTIVE; an existing table
#      must have that key) and the S3 bucket BUCKET (in AWS_REGION, all public
#      access blocked); data in them is never touched
#   2. the log groups, with LOG_RETENTION_DAYS
#   3. the five IAM roles and their policies
#   4. the ECS cluster and the two task definitions (warns when an image
#      TAG is not in ECR yet: push it with push-ecr.sh)
#   5. the state machine STATE_MACHINE
#   6. the EventBridge rule RULE (02:00 UTC) that starts it
# --storage-only runs step 1 and stops (it needs AWS_REGION, TABLE and
# BUCKET only).  --render-only DIR writes the pipeline files with every
# @PLACEHOLDER@ filled in, plus DIR/deployment.json (every name and ARN),
# and stops without calling AWS (ACCOUNT_ID must then be set).
#
# Settings (environment):
#   AWS_REGION          region (required)
#   ACCOUNT_ID          account id (default: from sts get-caller-identity)
#   SUBNET_IDS          comma-separated subnets for the Fargate tasks (required)
#   SECURITY_GROUP_IDS  comma-separated security groups (required)
#   ASSIGN_PUBLIC_IP    ENABLED (public subnets) or DISABLED (default; needs NAT
#                       or VPC endpoints for ECR, DynamoDB, S3, Bedrock, Logs)
#   TABLE               DynamoDB table (default fdnix-packages)
#   BUCKET              S3 bucket for vectors/, vector-index/ and search-bundle/ (required)
#   MODEL_ID            Bedrock model (default cohere.embed-english-v3)
#   CLUSTER             ECS cluster (default fdnix)
#   TAG                 image tag pushed by push-ecr.sh (default latest)
#   ARCH                X86_64 or ARM64 (default X86_64)
#   LOG_RETENTION_DAYS  CloudWatch retention (default 30)
# Names; the defaults are the original pipeline's, so the programs drop into
# an existing deployment of it:
#   STATE_MACHINE       Step Functions state machine (default fdnix-daily-pipeline;
#                       at most 36 characters: it also tags the tasks it starts)
#   RULE                EventBridge rule (default fdnix-daily-pipeline-trigger)
#   METADATA_REPOSITORY ECR repository of the fdnix-metadata image
#                       (default fdnix-metadata-generator; push-ecr.sh reads it too)
#   EMBED_REPOSITORY    ECR repository of the fdnix-embed image
#                       (default fdnix-embedding-generator; push-ecr.sh reads it too)
#   METADATA_LOG_GROUP  log group of fdnix-metadata (default /fdnix/metadata-generator)
#   EMBED_LOG_GROUP     log group of fdnix-embed (default /fdnix/embedding-generator)
# Endpoints: AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_S3 (or
# AWS_ENDPOINT_URL for both) send step 1 elsewhere, e.g. to a local test
# server; such a server may lack public access blocks, which is then a
# warning (on AWS it is an error).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mode=apply
render_dir=
case ${1:-} in
  --render-only) mode=render; render_dir=${2:?--render-only needs a directory} ;;
  --storage-only) mode=storage ;;
  '') ;;
  *) echo "aws-apply.sh: unknown argument $1 (usage: aws-apply.sh [--storage-only | --render-only DIR])" >&2; exit 2 ;;
esac

: "${AWS_REGION:?set AWS_REGION}" "${BUCKET:?set BUCKET}"
: "${TABLE:=fdnix-packages}" "${MODEL_ID:=cohere.embed-english-v3}" "${CLUSTER:=fdnix}"
: "${TAG:=latest}" "${ARCH:=X86_64}" "${ASSIGN_PUBLIC_IP:=DISABLED}" "${LOG_RETENTION_DAYS:=30}"
: "${STATE_MACHINE:=fdnix-daily-pipeline}" "${RULE:=fdnix-daily-pipeline-trigger}"
: "${METADATA_REPOSITORY:=fdnix-metadata-generator}" "${EMBED_REPOSITORY:=fdnix-embedding-generator}"
: "${METADATA_LOG_GROUP:=/fdnix/metadata-generator}" "${EMBED_LOG_GROUP:=/fdnix/embedding-generator}"

die () { echo "aws-apply.sh: error: $*" >&2; exit 1; }
usage_error () { echo "aws-apply.sh: $*" >&2; exit 2; }

# Names end up in sed substitutions, JSON and ARNs: allow only what every
# one of the services accepts.
check_name () { # VARIABLE VALUE MAX [EXTRA-CHARACTERS]
  case $2 in
    ''|*[!A-Za-z0-9._${4:-}-]*) usage_error "$1='$2': use letters, digits, '.', '_', '-'${4:+ and '$4'}" ;;
  esac
  [ "${#2}" -le "$3" ] || usage_error "$1='$2' is longer than $3 characters"
}
check_name AWS_REGION "$AWS_REGION" 32
check_name TABLE "$TABLE" 255
check_name BUCKET "$BUCKET" 63
check_name STATE_MACHINE "$STATE_MACHINE" 36
check_name RULE "$RULE" 64
check_name CLUSTER "$CLUSTER" 255
check_name METADATA_REPOSITORY "$METADATA_REPOSITORY" 256 /
check_name EMBED_REPOSITORY "$EMBED_REPOSITORY" 256 /
check_name METADATA_LOG_GROUP "$METADATA_LOG_GROUP" 512 /
check_name EMBED_LOG_GROUP "$EMBED_LOG_GROUP" 512 /

# --- step 1: the table and the bucket
ensure_table () {
  ddb="aws dynamodb --region $AWS_REGION"
  endpoint=${AWS_ENDPOINT_URL_DYNAMODB:-${AWS_ENDPOINT_URL:-}}
  [ -z "$endpoint" ] || ddb="$ddb --endpoint-url $endpoint"
  if desc=$($ddb describe-table --table-name "$TABLE" \
             --query 'Table.[KeySchema[?KeyType==`HASH`].AttributeName|[0], KeySchema[?KeyType==`RANGE`].AttributeName|[0], AttributeDefinitions[?AttributeName==`packageName`].AttributeType|[0], AttributeDefinitions[?AttributeName==`version`].AttributeType|[0], TableStatus]' \
             --output text 2>"$tmp/describe-table.err"); then
    # shellcheck disable=SC2086
    set -- $desc
    [ "$1 $2 $3 $4" = "packageName version S S" ] ||
      die "table $TABLE exists with another key ($1 $2 $3 $4): fdnix needs packageName (S, hash) + version (S, range)"
    echo "table $TABLE exists"
    status=$5
  elif grep -q ResourceNotFoundException "$tmp/describe-table.err"; then
    $ddb create-table --table-name "$TABLE" --billing-mode PAY_PER_REQUEST \
      --attribute-definitions AttributeName=packageName,AttributeType=S AttributeName=version,AttributeType=S \
      --key-schema AttributeName=packageName,KeyType=HASH AttributeName=version,KeyType=RANGE >/dev/null
    echo "table $TABLE created (on demand)"
    status=CREATING
  else
    cat "$tmp/describe-table.err" >&2
    die "cannot describe table $TABLE"
  fi
  # a new table takes a few seconds, an existing one may be updating: poll
  # every 2 s for up to 5 minutes (the CLI's waiter sleeps 20 s at a time)
  tries=150
  until [ "$status" = ACTIVE ]; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || die "table $TABLE is $status, not ACTIVE after 5 minutes"
    sleep 2
    status=$($ddb describe-table --table-name "$TABLE" --query Table.TableStatus --output text) || status=unreadable
  done
  echo "table $TABLE is ACTIVE"
}

ensure_bucket () {
  s3="aws s3api --region $AWS_REGION"
  endpoint=${AWS_ENDPOINT_URL_S3:-${AWS_ENDPOINT_URL:-}}
  [ -z "$endpoint" ] || s3="$s3 --endpoint-url $endpoint"
  if $s3 head-bucket --bucket "$BUCKET" 2>"$tmp/head-bucket.err"; then
    echo "bucket $BUCKET exists"
    if [ -z "$endpoint" ]; then
      # the programs sign for AWS_REGION: a bucket elsewhere would not answer them
      location=$($s3 get-bucket-location --bucket "$BUCKET" --query LocationConstraint --output text)
      case $location in None|null|'') location=us-east-1 ;; EU) location=eu-west-1 ;; esac
      [ "$location" = "$AWS_REGION" ] || die "bucket $BUCKET is in $location, not in AWS_REGION=$AWS_REGION"
    fi
  elif grep -Eq '\(404\)|Not Found|NoSuchBucket' "$tmp/head-bucket.err"; then
    # us-east-1 is the one region that takes no (and refuses a) location constraint
    if [ "$AWS_REGION" = us-east-1 ]; then
      $s3 create-bucket --bucket "$BUCKET" >/dev/null
    else
      $s3 create-bucket --bucket "$BUCKET" \
        --create-bucket-configuration "LocationConstraint=$AWS_REGION" >/dev/null
    fi
    echo "bucket $BUCKET created in $AWS_REGION"
  else
    cat "$tmp/head-bucket.err" >&2
    die "bucket $BUCKET exists but is not yours, or cannot be reached (bucket names are global)"
  fi
  if $s3 put-public-access-block --bucket "$BUCKET" \
       --public-access-block-configuration \
       BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true \
       2>"$tmp/public-access.err"; then
    echo "bucket $BUCKET: all public access blocked"
  elif [ -n "$endpoint" ] && grep -q NotImplemented "$tmp/public-access.err"; then
    echo "aws-apply.sh: warning: $endpoint does not implement public access blocks: bucket $BUCKET left as the server has it" >&2
  else
    cat "$tmp/public-access.err" >&2
    die "cannot block public access to bucket $BUCKET"
  fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdnix-aws-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ "$mode" = storage ]; then
  echo "== storage"
  ensure_table
  ensure_bucket
  exit 0
fi

: "${SUBNET_IDS:?set SUBNET_IDS}" "${SECURITY_GROUP_IDS:?set SECURITY_GROUP_IDS}"
if [ -z "${ACCOUNT_ID:-}" ]; then
  [ "$mode" != render ] || usage_error "--render-only needs ACCOUNT_ID"
  ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
fi
case $ACCOUNT_ID in *[!0-9]*|'') usage_error "ACCOUNT_ID='$ACCOUNT_ID' is not an account number" ;; esac
case $SUBNET_IDS$SECURITY_GROUP_IDS in *[!A-Za-z0-9,\ -]*) usage_error "SUBNET_IDS / SECURITY_GROUP_IDS: ids separated by commas" ;; esac

# "a,b" -> a","b so that ["@SUBNET_IDS@"] becomes ["a","b"]
json_list () { printf '%s' "$1" | sed 's/[[:space:]]//g; s/,/","/g'; }

out=${render_dir:-$tmp/rendered}
mkdir -p "$out"
for f in "$here"/ecs/*.json "$here"/stepfunctions/*.json "$here"/events/*.json "$here"/iam/*.json; do
  sed -e "s|@ACCOUNT_ID@|$ACCOUNT_ID|g" -e "s|@REGION@|$AWS_REGION|g" \
      -e "s|@TABLE@|$TABLE|g" -e "s|@BUCKET@|$BUCKET|g" -e "s|@MODEL_ID@|$MODEL_ID|g" \
      -e "s|@CLUSTER@|$CLUSTER|g" -e "s|@TAG@|$TAG|g" -e "s|@ARCH@|$ARCH|g" \
      -e "s|@ASSIGN_PUBLIC_IP@|$ASSIGN_PUBLIC_IP|g" \
      -e "s|@STATE_MACHINE@|$STATE_MACHINE|g" -e "s|@RULE@|$RULE|g" \
      -e "s|@METADATA_REPOSITORY@|$METADATA_REPOSITORY|g" -e "s|@EMBED_REPOSITORY@|$EMBED_REPOSITORY|g" \
      -e "s|@METADATA_LOG_GROUP@|$METADATA_LOG_GROUP|g" -e "s|@EMBED_LOG_GROUP@|$EMBED_LOG_GROUP|g" \
      -e "s|@SUBNET_IDS@|$(json_list "$SUBNET_IDS")|g" \
      -e "s|@SECURITY_GROUP_IDS@|$(json_list "$SECURITY_GROUP_IDS")|g" \
      "$f" > "$out/$(basename "$f")"
done
if grep -l '@[A-Z_]*@' "$out"/*.json; then
  die "placeholders left in the files above"
fi

sm_arn="arn:aws:states:$AWS_REGION:$ACCOUNT_ID:stateMachine:$STATE_MACHINE"
iam="arn:aws:iam::$ACCOUNT_ID:role"
registry="$ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com"
cat > "$out/deployment.json" <<EOF
{
  "region": "$AWS_REGION",
  "account": "$ACCOUNT_ID",
  "table": "$TABLE",
  "bucket": "$BUCKET",
  "cluster": "$CLUSTER",
  "clusterArn": "arn:aws:ecs:$AWS_REGION:$ACCOUNT_ID:cluster/$CLUSTER",
  "stateMachine": "$STATE_MACHINE",
  "stateMachineArn": "$sm_arn",
  "stateMachineFile": "fdnix-daily-pipeline.asl.json",
  "rule": "$RULE",
  "ruleFile": "fdnix-daily-pipeline-trigger.rule.json",
  "targetsFile": "fdnix-daily-pipeline-trigger.targets.json",
  "repositories": { "metadata": "$METADATA_REPOSITORY", "embed": "$EMBED_REPOSITORY" },
  "images": { "metadata": "$registry/$METADATA_REPOSITORY:$TAG", "embed": "$registry/$EMBED_REPOSITORY:$TAG" },
  "taskDefinitions": { "metadata": "fdnix-metadata", "embed": "fdnix-embed" },
  "logGroups": { "metadata": "$METADATA_LOG_GROUP", "embed": "$EMBED_LOG_GROUP" },
  "roles": {
    "taskExecution": "$iam/fdnix-task-execution",
    "metadataTask": "$iam/fdnix-metadata-task",
    "embedTask": "$iam/fdnix-embed-task",
    "stateMachine": "$iam/fdnix-states",
    "rule": "$iam/fdnix-events"
  }
}
EOF
if [ "$mode" = render ]; then
  echo "rendered into $render_dir"
  exit 0
fi

r="--region $AWS_REGION"
step () { echo "== $*"; }

step "storage"
ensure_table
ensure_bucket

step "log groups"
for g in "$METADATA_LOG_GROUP" "$EMBED_LOG_GROUP"; do
  aws logs create-log-group $r --log-group-name "$g" 2>/dev/null || true
  aws logs put-retention-policy $r --log-group-name "$g" --retention-in-days "$LOG_RETENTION_DAYS"
done

step "IAM roles"
role () { # NAME TRUST POLICY
  if aws iam get-role --role-name "$1" >/dev/null 2>&1; then
    aws iam update-assume-role-policy --role-name "$1" --policy-document "file://$out/$2"
  else
    aws iam create-role --role-name "$1" --assume-role-policy-document "file://$out/$2" >/dev/null
  fi
  aws iam put-role-policy --role-name "$1" --policy-name "$1" --policy-document "file://$out/$3"
}
role fdnix-task-execution ecs-tasks.trust.json fdnix-task-execution.policy.json
role fdnix-metadata-task  ecs-tasks.trust.json fdnix-metadata-task.policy.json
role fdnix-embed-task     ecs-tasks.trust.json fdnix-embed-task.policy.json
role fdnix-states         states.trust.json    fdnix-states.policy.json
role fdnix-events         events.trust.json    fdnix-events.policy.json

step "ECS cluster and task definitions"
if ! aws ecs describe-clusters $r --clusters "$CLUSTER" --query 'clusters[?status==`ACTIVE`].clusterName' \
     --output text | grep -q .; then
  aws ecs create-cluster $r --cluster-name "$CLUSTER" >/dev/null
fi
for repo in "$METADATA_REPOSITORY" "$EMBED_REPOSITORY"; do
  aws ecr describe-images $r --repository-name "$repo" --image-ids "imageTag=$TAG" >/dev/null 2>&1 ||
    echo "aws-apply.sh: warning: $registry/$repo:$TAG is not in ECR yet: the tasks cannot start until containers/push-ecr.sh -t $TAG pushes it" >&2
done
aws ecs register-task-definition $r --cli-input-json "file://$out/fdnix-metadata.task.json" >/dev/null
aws ecs register-task-definition $r --cli-input-json "file://$out/fdnix-embed.task.json" >/dev/null

step "state machine $STATE_MACHINE"
if aws stepfunctions describe-state-machine $r --state-machine-arn "$sm_arn" >/dev/null 2>&1; then
  aws stepfunctions update-state-machine $r --state-machine-arn "$sm_arn" \
    --definition "file://$out/fdnix-daily-pipeline.asl.json" \
    --role-arn "$iam/fdnix-states" >/dev/null
else
  # a role created a moment ago may not be assumable yet (IAM is eventually
  # consistent): try for a minute
  tries=6
  until aws stepfunctions create-state-machine $r --name "$STATE_MACHINE" --type STANDARD \
      --definition "file://$out/fdnix-daily-pipeline.asl.json" \
      --role-arn "$iam/fdnix-states" >/dev/null; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || die "cannot create the state machine $STATE_MACHINE"
    sleep 10
  done
fi

step "schedule: EventBridge rule $RULE (02:00 UTC)"
aws events put-rule $r --cli-input-json "file://$out/fdnix-daily-pipeline-trigger.rule.json" >/dev/null
aws events put-targets $r --cli-input-json "file://$out/fdnix-daily-pipeline-trigger.targets.json" >/dev/null
echo "done: start a run now with"
echo "  aws stepfunctions start-execution $r --state-machine-arn $sm_arn"
