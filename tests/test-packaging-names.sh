#!/bin/sh
# The AWS deployment uses the original pipeline's names, so the programs drop
# into an existing deployment of it: the state machine fdnix-daily-pipeline,
# the EventBridge rule fdnix-daily-pipeline-trigger, the ECR repositories
# fdnix-metadata-generator and fdnix-embedding-generator, the log groups
# /fdnix/metadata-generator and /fdnix/embedding-generator.  Rendered by
# containers/aws-apply.sh --render-only, every file refers to them where it
# should (targets, trust conditions, policies, images, log configuration);
# each name is overridable, and an override leaves no default behind.
# push-ecr.sh pushes to the same repositories (-n: a dry run).
. "$(dirname "$0")/lib.sh"
need python3

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
apply="$top/containers/aws-apply.sh"
push="$top/containers/push-ecr.sh"

render () { # DIR [VAR=VALUE...]
  dir=$1; shift
  env AWS_REGION=eu-west-1 ACCOUNT_ID=123456789012 BUCKET=fdnix-test-bucket \
      SUBNET_IDS=subnet-a,subnet-b SECURITY_GROUP_IDS=sg-x "$@" \
      sh "$apply" --render-only "$dir" >"$TEST_TMP/render.log" 2>&1 ||
    { cat "$TEST_TMP/render.log" >&2; fail "aws-apply.sh --render-only $*"; }
}

check_names () { # DIR STATE_MACHINE RULE METADATA_REPO EMBED_REPO METADATA_LOG EMBED_LOG [DEFAULTS-MUST-BE-GONE]
  python3 - "$@" <<'PY' || fail "rendered names in $1"
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
sm, rule, mrepo, erepo, mlog, elog = sys.argv[2:8]
gone = sys.argv[8:]
region, account = "eu-west-1", "123456789012"
docs = {f.name: json.loads(f.read_text()) for f in sorted(d.glob("*.json"))}
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)
sm_arn = f"arn:aws:states:{region}:{account}:stateMachine:{sm}"
rule_arn = f"arn:aws:events:{region}:{account}:rule/{rule}"
registry = f"{account}.dkr.ecr.{region}.amazonaws.com"

dep = docs["deployment.json"]
check(dep["stateMachine"] == sm and dep["stateMachineArn"] == sm_arn, f"deployment.json state machine {dep['stateMachine']}")
check(dep["rule"] == rule, f"deployment.json rule {dep['rule']}")
check(dep["repositories"] == {"metadata": mrepo, "embed": erepo}, f"deployment.json repositories {dep['repositories']}")
check(dep["logGroups"] == {"metadata": mlog, "embed": elog}, f"deployment.json log groups {dep['logGroups']}")
for key in ("stateMachineFile", "ruleFile", "targetsFile"):
    check(dep[key] in docs, f"deployment.json {key} {dep[key]} was not rendered")

r = docs[dep["ruleFile"]]
check(r["Name"] == rule, f"rule Name {r['Name']}")
t = docs[dep["targetsFile"]]
check(t["Rule"] == rule, f"targets Rule {t['Rule']}")
check([x["Arn"] for x in t["Targets"]] == [sm_arn], f"targets {[x['Arn'] for x in t['Targets']]}")
check(docs["fdnix-events.policy.json"]["Statement"][0]["Resource"] == sm_arn, "fdnix-events may not start the state machine")
check(docs["events.trust.json"]["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"] == rule_arn, "events trust: rule ARN")
check(docs["states.trust.json"]["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"] == sm_arn, "states trust: state machine ARN")

ex = docs["fdnix-task-execution.policy.json"]
res = {r for s in ex["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])}
for repo in (mrepo, erepo):
    check(f"arn:aws:ecr:{region}:{account}:repository/{repo}" in res, f"execution role cannot pull {repo}")
for group in (mlog, elog):
    check(f"arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:*" in res, f"execution role cannot write {group}")
for family, repo, group in (("fdnix-metadata", mrepo, mlog), ("fdnix-embed", erepo, elog)):
    (c,) = docs[f"{family}.task.json"]["containerDefinitions"]
    check(c["image"] == f"{registry}/{repo}:latest", f"{family} image {c['image']}")
    check(c["logConfiguration"]["options"]["awslogs-group"] == group, f"{family} log group")
    check(dep["images"][family.split("-")[1]] == c["image"], f"deployment.json image of {family}")

text = "\n".join(f.read_text() for f in d.glob("*.json"))
for key in ("stateMachineFile", "ruleFile", "targetsFile"):
    text = text.replace(f'"{dep[key]}"', '"(file name)"')   # names of the templates, not of resources
check(text.count(f"see the log group {mlog}") == 1 and text.count(f"see the log group {elog}") == 2,
      "the state machine's failure causes name the log groups")
for name in gone:
    check(name not in text, f"the default {name} is still in the rendered files")
if errors:
    sys.exit("\n".join(errors))
print(f"# {len(docs)} files: {sm}, {rule}, {mrepo}, {erepo}, {mlog}, {elog}")
PY
}

defaults="fdnix-daily-pipeline fdnix-daily-pipeline-trigger fdnix-metadata-generator fdnix-embedding-generator /fdnix/metadata-generator /fdnix/embedding-generator"
render "$TEST_TMP/default"
# shellcheck disable=SC2086
check_names "$TEST_TMP/default" $defaults

render "$TEST_TMP/custom" STATE_MACHINE=nightly-sm RULE=nightly-at-2 \
  METADATA_REPOSITORY=team/md-image EMBED_REPOSITORY=team/embed-image \
  METADATA_LOG_GROUP=/team/md EMBED_LOG_GROUP=/team/embed
# shellcheck disable=SC2086
check_names "$TEST_TMP/custom" nightly-sm nightly-at-2 team/md-image team/embed-image /team/md /team/embed \
  fdnix-daily-pipeline metadata-generator embedding-generator

# a name the services (and the substitution) cannot take is a usage error
set +e
env AWS_REGION=eu-west-1 ACCOUNT_ID=123456789012 BUCKET=b SUBNET_IDS=s SECURITY_GROUP_IDS=g \
  STATE_MACHINE='a|b' sh "$apply" --render-only "$TEST_TMP/bad" 2>"$TEST_TMP/bad.log"
status=$?
set -e
check '[ "$status" = 2 ]' "a bad STATE_MACHINE gives exit 2 (got $status)"
grep -q "STATE_MACHINE='a|b'" "$TEST_TMP/bad.log" || { cat "$TEST_TMP/bad.log"; fail "the bad name is named"; }
check '[ ! -e "$TEST_TMP/bad" ]' "nothing rendered for a bad name"

# push-ecr.sh pushes where the task definitions pull from
sh "$push" -n -r eu-west-1 -a 123456789012 -t v1 metadata=docker-daemon:m:latest embed=docker-daemon:e:latest \
  >"$TEST_TMP/push.out" || fail "push-ecr.sh -n"
grep -qx 'metadata: docker-daemon:m:latest -> 123456789012.dkr.ecr.eu-west-1.amazonaws.com/fdnix-metadata-generator:v1' \
  "$TEST_TMP/push.out" || { cat "$TEST_TMP/push.out"; fail "push-ecr.sh: metadata repository"; }
grep -qx 'embed: docker-daemon:e:latest -> 123456789012.dkr.ecr.eu-west-1.amazonaws.com/fdnix-embedding-generator:v1' \
  "$TEST_TMP/push.out" || { cat "$TEST_TMP/push.out"; fail "push-ecr.sh: embed repository"; }
METADATA_REPOSITORY=team/md-image sh "$push" -n -r eu-west-1 -a 123456789012 -t v1 metadata=docker-daemon:m:latest \
  >"$TEST_TMP/push2.out" || fail "push-ecr.sh -n with METADATA_REPOSITORY"
grep -q -- '-> 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/md-image:v1$' "$TEST_TMP/push2.out" ||
  { cat "$TEST_TMP/push2.out"; fail "push-ecr.sh: METADATA_REPOSITORY"; }
echo "ok"
