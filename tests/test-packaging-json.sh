#!/bin/sh
# Every JSON file in containers/ parses, and the pipeline's files agree with
# each other: log groups, container names, families, roles and the schedule.
. "$(dirname "$0")/lib.sh"
need python3

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
python3 - "$top/containers" <<'PY' || fail "containers/ is inconsistent"
import json, pathlib, re, sys
root = pathlib.Path(sys.argv[1])
files = sorted(root.rglob("*.json"))
assert len(files) >= 12, f"expected the pipeline files, found {len(files)}"
docs = {}
for f in files:
    try:
        docs[f.relative_to(root).as_posix()] = json.loads(f.read_text())
    except ValueError as e:
        sys.exit(f"{f}: {e}")
print(f"# {len(files)} JSON files parse")

errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

# names aws-apply.sh fills in (defaults: the original pipeline's)
groups = {"fdnix-metadata": "@METADATA_LOG_GROUP@",
          "fdnix-embed": "@EMBED_LOG_GROUP@"}
repos = {"fdnix-metadata": "@METADATA_REPOSITORY@",
         "fdnix-embed": "@EMBED_REPOSITORY@"}
# Fargate's CPU/memory combinations (MiB)
valid_fargate = {256: (512, 1024, 2048), 512: range(1024, 4097, 1024),
                 1024: range(2048, 8193, 1024), 2048: range(4096, 16385, 1024),
                 4096: range(8192, 30721, 1024), 8192: range(16384, 61441, 4096),
                 16384: range(32768, 122881, 8192)}
for family, group in groups.items():
    td = docs[f"ecs/{family}.task.json"]
    check(td["family"] == family, f"{family}: family")
    check(td["requiresCompatibilities"] == ["FARGATE"], f"{family}: not Fargate")
    check(td["networkMode"] == "awsvpc", f"{family}: Fargate needs awsvpc")
    cpu, mem = int(td["cpu"]), int(td["memory"])
    check(cpu in valid_fargate and mem in valid_fargate[cpu],
          f"{family}: {cpu} CPU units with {mem} MiB is not a Fargate size")
    check(td["taskRoleArn"].endswith(f":role/{family}-task"), f"{family}: task role")
    check(td["executionRoleArn"].endswith(":role/fdnix-task-execution"), f"{family}: execution role")
    (c,) = td["containerDefinitions"]
    check(c["name"] == family, f"{family}: container name")
    check(c["essential"] is True, f"{family}: container not essential")
    check(c.get("user", "root") not in ("root", "0", "0:0"), f"{family}: runs as root")
    lc = c["logConfiguration"]
    check(lc["logDriver"] == "awslogs", f"{family}: log driver")
    check(lc["options"]["awslogs-group"] == group, f"{family}: log group {lc['options']['awslogs-group']}")
    check(c["image"] == f"@ACCOUNT_ID@.dkr.ecr.@REGION@.amazonaws.com/{repos[family]}:@TAG@",
          f"{family}: image {c['image']}")

# the state machine runs exactly these task definitions and container names
sm = docs["stepfunctions/fdnix-daily-pipeline.asl.json"]
def walk(states):
    for name, st in states.items():
        yield name, st
        if st["Type"] == "Map":
            yield from walk(st["ItemProcessor"]["States"])
        if st["Type"] == "Parallel":
            for b in st["Branches"]:
                yield from walk(b["States"])
tasks = [(n, s) for n, s in walk(sm["States"]) if s["Type"] == "Task"]
check(len(tasks) == 3, f"expected 3 task states, found {len(tasks)}")
for name, st in tasks:
    check(st["Resource"] == "arn:aws:states:::ecs:runTask.sync",
          f"{name}: not the .sync ECS integration, failures would not surface")
    check(st.get("Retry"), f"{name}: no Retry")
    fam = st["Parameters"]["TaskDefinition"].rsplit("/", 1)[1]
    check(fam in groups, f"{name}: unknown task definition {fam}")
    for o in st["Parameters"].get("Overrides", {}).get("ContainerOverrides", []):
        check(o["Name"] == fam, f"{name}: override names container {o['Name']}")
maps = [s for _, s in walk(sm["States"]) if s["Type"] == "Map"]
check(len(maps) == 1 and maps[0].get("Catch"), "the shard fan-out is one Map state with a Catch")
for name, st in walk(sm["States"]):
    if st["Type"] in ("Task", "Map") and name != "EmbedShard":
        check(st.get("Catch"), f"{name}: no Catch")

rule = docs["events/fdnix-daily-pipeline-trigger.rule.json"]
check(rule["Name"] == "@RULE@", f"rule name {rule['Name']}")
check(rule["ScheduleExpression"] == "cron(0 2 * * ? *)", "schedule is not 02:00 UTC daily")
tg = docs["events/fdnix-daily-pipeline-trigger.targets.json"]
check(tg["Rule"] == rule["Name"], "targets name another rule")
(t,) = tg["Targets"]
check(t["Arn"] == "arn:aws:states:@REGION@:@ACCOUNT_ID@:stateMachine:@STATE_MACHINE@", "rule does not start the pipeline")
inp = json.loads(t["Input"])
n = len(inp["shards"])
check(inp["shards"] == [f"{k}/{n}" for k in range(n)], f"shards {inp['shards']}")

# every role a file refers to has a trust and a policy document
for role in ("fdnix-task-execution", "fdnix-metadata-task", "fdnix-embed-task", "fdnix-states", "fdnix-events"):
    check(f"iam/{role}.policy.json" in docs, f"no policy for {role}")
for name, doc in docs.items():
    if name.startswith("iam/"):
        check(doc["Version"] == "2012-10-17", f"{name}: policy version")
        for s in doc["Statement"]:
            acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            check(all("*" not in a for a in acts), f"{name}: wildcard action")
            res = s.get("Resource", "")
            check(res != "*" or acts == ["ecr:GetAuthorizationToken"], f"{name}: Resource * for {acts}")

# log groups: execution role may write exactly the two groups
ex = docs["iam/fdnix-task-execution.policy.json"]
logres = [r for s in ex["Statement"] if any(a.startswith("logs:") for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])) for r in s["Resource"]]
check(sorted(re.sub(r":log-stream:\*$", "", r).split(":log-group:")[1] for r in logres) == sorted(groups.values()),
      f"execution role log groups {logres}")

if errors:
    sys.exit("\n".join(errors))
print("# task definitions, state machine, schedule and roles agree")
PY
echo "ok"
