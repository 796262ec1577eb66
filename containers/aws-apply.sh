#!/bin/sh
# aws-apply.sh: create or update the fdnix AWS pipeline with the AWS CLI.
#
# Usage: containers/aws-apply.sh [--render-only DIR]
# Settings (environment):
#   AWS_REGION          region (required)
#   ACCOUNT_ID          account id (default: from sts get-caller-identity)
#   SUBNET_IDS          comma-separated subnets for the Fargate tasks (required)
#   SECURITY_GROUP_IDS  comma-separated security groups (required)
#   ASSIGN_PUBLIC_IP    ENABLED (public subnets) or DISABLED (default; needs NAT
#                       or VPC endpoints for ECR, DynamoDB, S3, Bedrock, Logs)
#   TABLE               DynamoDB table (default fdnix-packages)
#   BUCKET              S3 bucket for vectors/ and vector-index/ (required)
#   MODEL_ID            Bedrock model (default cohere.embed-english-v3)
#   CLUSTER             ECS cluster (default fdnix; created when missing)
#   TAG                 image tag pushed by push-ecr.sh (default latest)
#   ARCH                X86_64 or ARM64 (default X86_64)
#   LOG_RETENTION_DAYS  CloudWatch retention (default 30)
# --render-only DIR writes the files with every @PLACEHOLDER@ filled in and
# stops, without calling AWS (ACCOUNT_ID must then be set).
# The table and the bucket are not created here: they hold data, and their
# lifecycle is the operator's.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
render_only=
if [ "${1:-}" = --render-only ]; then
  render_only=${2:?--render-only needs a directory}
fi

: "${AWS_REGION:?set AWS_REGION}"
: "${TABLE:=fdnix-packages}" "${MODEL_ID:=cohere.embed-english-v3}" "${CLUSTER:=fdnix}"
: "${TAG:=latest}" "${ARCH:=X86_64}" "${ASSIGN_PUBLIC_IP:=DISABLED}" "${LOG_RETENTION_DAYS:=30}"
: "${BUCKET:?set BUCKET}" "${SUBNET_IDS:?set SUBNET_IDS}" "${SECURITY_GROUP_IDS:?set SECURITY_GROUP_IDS}"
if [ -z "${ACCOUNT_ID:-}" ]; then
  [ -z "$render_only" ] || { echo "aws-apply.sh: --render-only needs ACCOUNT_ID" >&2; exit 2; }
  ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
fi

# "a,b" -> a","b so that ["@SUBNET_IDS@"] becomes ["a","b"]
json_list () { printf '%s' "$1" | sed 's/[[:space:]]//g; s/,/","/g'; }

out=${render_only:-$(mktemp -d "${TMPDIR:-/tmp}/fdnix-aws-XXXXXX")}
[ -n "$render_only" ] || trap 'rm -rf "$out"' EXIT INT TERM
mkdir -p "$out"
for f in "$here"/ecs/*.json "$here"/stepfunctions/*.json "$here"/events/*.json "$here"/iam/*.json; do
  sed -e "s|@ACCOUNT_ID@|$ACCOUNT_ID|g" -e "s|@REGION@|$AWS_REGION|g" \
      -e "s|@TABLE@|$TABLE|g" -e "s|@BUCKET@|$BUCKET|g" -e "s|@MODEL_ID@|$MODEL_ID|g" \
      -e "s|@CLUSTER@|$CLUSTER|g" -e "s|@TAG@|$TAG|g" -e "s|@ARCH@|$ARCH|g" \
      -e "s|@ASSIGN_PUBLIC_IP@|$ASSIGN_PUBLIC_IP|g" \
      -e "s|@SUBNET_IDS@|$(json_list "$SUBNET_IDS")|g" \
      -e "s|@SECURITY_GROUP_IDS@|$(json_list "$SECURITY_GROUP_IDS")|g" \
      "$f" > "$out/$(basename "$f")"
done
if grep -l '@[A-Z_]*@' "$out"/*.json; then
  echo "aws-apply.sh: placeholders left in the files above" >&2
  exit 1
fi
if [ -n "$render_only" ]; then
  echo "rendered into $render_only"
  exit 0
fi

r="--region $AWS_REGION"
step () { echo "== $*"; }

step "log groups"
for g in /fdnix/metadata-generator /fdnix/embedding-generator; do
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
aws ecs register-task-definition $r --cli-input-json "file://$out/fdnix-metadata.task.json" >/dev/null
aws ecs register-task-definition $r --cli-input-json "file://$out/fdnix-embed.task.json" >/dev/null

step "state machine"
sm_arn="arn:aws:states:$AWS_REGION:$ACCOUNT_ID:stateMachine:fdnix-pipeline"
if aws stepfunctions describe-state-machine $r --state-machine-arn "$sm_arn" >/dev/null 2>&1; then
  aws stepfunctions update-state-machine $r --state-machine-arn "$sm_arn" \
    --definition "file://$out/fdnix-pipeline.asl.json" \
    --role-arn "arn:aws:iam::$ACCOUNT_ID:role/fdnix-states" >/dev/null
else
  # a role created a moment ago may not be assumable yet (IAM is eventually
  # consistent): try for a minute
  tries=6
  until aws stepfunctions create-state-machine $r --name fdnix-pipeline --type STANDARD \
      --definition "file://$out/fdnix-pipeline.asl.json" \
      --role-arn "arn:aws:iam::$ACCOUNT_ID:role/fdnix-states" >/dev/null; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || exit 1
    sleep 10
  done
fi

step "schedule (EventBridge, 02:00 UTC)"
aws events put-rule $r --cli-input-json "file://$out/fdnix-nightly.rule.json" >/dev/null
aws events put-targets $r --cli-input-json "file://$out/fdnix-nightly.targets.json" >/dev/null
echo "done: start a run now with"
echo "  aws stepfunctions start-execution $r --state-machine-arn $sm_arn"
