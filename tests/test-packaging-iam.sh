#!/bin/sh
# The task roles' IAM policies allow exactly the AWS actions the code calls.
# lib/aws/fdnix-aws-actions.h lists each call as
#   X ("service:Action", "programs", "why")
# and each program's task role must allow exactly the actions listed for it,
# each on its narrowest resource (the table, the vectors/, vector-index/ and
# search-bundle/ prefixes, the model).  Calls marked "development only" (--create-table)
# are the one exception: a production role must not allow them.
. "$(dirname "$0")/lib.sh"
need python3

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
header=${FDNIX_AWS_ACTIONS_HEADER:-$top/lib/aws/fdnix-aws-actions.h}
[ -f "$header" ] || skip "lib/aws/fdnix-aws-actions.h does not exist yet (no AWS calls to compare)"

python3 - "$header" "$top/containers/iam" <<'PY' || fail "IAM policies do not match the code's AWS calls"
import json, pathlib, re, sys
text = pathlib.Path(sys.argv[1]).read_text()
text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
entries = re.findall(r'X\s*\(\s*"([a-z0-9-]+:[A-Za-z0-9]+)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*\)', text)
if not entries:
    sys.exit(f"{sys.argv[1]}: no X (\"service:Action\", \"programs\", \"why\") entries")
roles = {"fdnix-metadata": "fdnix-metadata-task", "fdnix-embed": "fdnix-embed-task"}
want = {role: set() for role in roles.values()}
dev_only = set()
for action, programs, why in entries:
    if "development only" in why:
        dev_only.add(action)
        continue
    for prog in programs.split():
        if prog in roles:
            want[roles[prog]].add(action)
        else:
            print(f"# {prog} calls {action}; it has no task role in containers/ (not deployed there)")

iam = pathlib.Path(sys.argv[2])
errors = []
for role in roles.values():
    doc = json.loads((iam / f"{role}.policy.json").read_text())
    granted = set()
    for st in doc["Statement"]:
        if st["Effect"] != "Allow":
            continue
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        for a in acts:
            granted.add(a)
            svc = a.split(":")[0]
            if svc == "dynamodb":
                ok = all(re.fullmatch(r"arn:aws:dynamodb:@REGION@:@ACCOUNT_ID@:table/@TABLE@(/index/\*)?", r) for r in res)
            elif a == "s3:ListBucket":
                ok = res == ["arn:aws:s3:::@BUCKET@"] and \
                     sorted(st.get("Condition", {}).get("StringLike", {}).get("s3:prefix", [])) == \
                     ["search-bundle/*", "vector-index/*", "vectors/*"]
            elif svc == "s3":
                ok = sorted(res) == ["arn:aws:s3:::@BUCKET@/search-bundle/*", "arn:aws:s3:::@BUCKET@/vector-index/*",
                                     "arn:aws:s3:::@BUCKET@/vectors/*"]
            elif svc == "bedrock":
                ok = res == ["arn:aws:bedrock:@REGION@::foundation-model/@MODEL_ID@"]
            else:
                ok = False
            if not ok:
                errors.append(f"{role}: {a} on {res} is not the narrowest resource")
    for a in sorted(want[role] - granted):
        errors.append(f"{role}: the program calls {a}, the role does not allow it")
    for a in sorted(granted - want[role]):
        why = "development only" if a in dev_only else "the program never calls it"
        errors.append(f"{role}: allows {a} ({why})")
    print(f"# {role}: {', '.join(sorted(granted))}")
if errors:
    sys.exit("\n".join(errors))
print(f"# {len(entries)} calls in the code; not granted (development only): {', '.join(sorted(dev_only)) or 'none'}")
PY
echo "ok"
