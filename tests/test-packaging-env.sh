#!/bin/sh
# The ECS task definitions set exactly the environment variables their
# program reads for the AWS deployment: each seed variable the program
# registers (AWS_REGION, DYNAMODB_TABLE, S3_BUCKET, BEDROCK_MODEL_ID) plus the
# run summary, and nothing the program does not read.  The programs say what
# they read with --list-settings (key TAB variable TAB option).
. "$(dirname "$0")/lib.sh"
need python3

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
checked=0
failed=0
for prog in fdnix-metadata fdnix-embed; do
  bin="$FDNIX_BUILDDIR/$prog"
  if [ ! -x "$bin" ]; then
    echo "# $prog is not built: its task definition is not checked"
    continue
  fi
  "$bin" --list-settings > "$TEST_TMP/$prog.settings" || fail "$prog --list-settings failed"
  if python3 - "$top/containers/ecs/$prog.task.json" "$TEST_TMP/$prog.settings" "$prog" <<'PY'
import json, sys
td = json.load(open(sys.argv[1]))
reads = set()
for line in open(sys.argv[2]):
    key, env, opt = line.rstrip("\n").split("\t")
    if env != "-":
        reads.add(env)
prog = sys.argv[3]
seed = {"AWS_REGION", "DYNAMODB_TABLE", "S3_BUCKET", "BEDROCK_MODEL_ID"}
want = (seed & reads) | {"FDNIX_SUMMARY_JSON"}
(c,) = td["containerDefinitions"]
have = [e["name"] for e in c.get("environment", [])]
errors = []
if len(have) != len(set(have)):
    errors.append(f"duplicate variables in {have}")
for v in sorted(set(have) - reads):
    errors.append(f"sets {v}, which {prog} does not read")
for v in sorted(want - set(have)):
    errors.append(f"does not set {v}, which {prog} reads")
for v in sorted((set(have) & reads) - want):
    errors.append(f"sets {v}, which the AWS deployment does not need")
if errors:
    sys.exit("\n".join(f"{prog}.task.json: {e}" for e in errors))
print(f"# {prog}: task definition sets {sorted(have)}; {prog} reads {len(reads)} variables")
PY
  then
    checked=$((checked + 1))
  else
    failed=$((failed + 1))
  fi
done
[ "$failed" = 0 ] || fail "task definition environment: see above"
[ "$checked" -gt 0 ] || skip "no program is built"
echo "ok"
