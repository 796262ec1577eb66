#!/bin/sh
# The task roles' IAM policies allow exactly the AWS actions the code calls,
# as listed in lib/aws/fdnix-aws-actions.h (every "service:Action" string
# there): all of them, no more, and each on its narrowest resource (the table,
# the vectors/ and vector-index/ prefixes, the model).
. "$(dirname "$0")/lib.sh"
need python3

top=$(cd "$FDNIX_TESTS_SRCDIR/.." && pwd)
header="$top/lib/aws/fdnix-aws-actions.h"
[ -f "$header" ] || skip "lib/aws/fdnix-aws-actions.h does not exist yet (no AWS calls to compare)"

python3 - "$header" "$top/containers/iam" <<'PY' || fail "IAM policies do not match the code's AWS calls"
import json, pathlib, re, sys
text = pathlib.Path(sys.argv[1]).read_text()
# drop comments, so an action named in prose does not count
text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
text = re.sub(r"//[^\n]*", "", text)
code = set(re.findall(r'"([a-z0-9-]+:[A-Z][A-Za-z0-9]+)"', text))
if not code:
    sys.exit(f"{sys.argv[1]}: no \"service:Action\" strings found")
iam = pathlib.Path(sys.argv[2])
errors = []
granted = {}
for role in ("fdnix-metadata-task", "fdnix-embed-task"):
    doc = json.loads((iam / f"{role}.policy.json").read_text())
    for st in doc["Statement"]:
        if st["Effect"] != "Allow":
            continue
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        for a in acts:
            granted.setdefault(a, set()).add(role)
            svc = a.split(":")[0]
            if svc == "dynamodb":
                ok = all(re.fullmatch(r"arn:aws:dynamodb:@REGION@:@ACCOUNT_ID@:table/@TABLE@(/index/\*)?", r) for r in res)
            elif a == "s3:ListBucket":
                ok = res == ["arn:aws:s3:::@BUCKET@"] and \
                     sorted(st.get("Condition", {}).get("StringLike", {}).get("s3:prefix", [])) == ["vector-index/*", "vectors/*"]
            elif svc == "s3":
                ok = sorted(res) == ["arn:aws:s3:::@BUCKET@/vector-index/*", "arn:aws:s3:::@BUCKET@/vectors/*"]
            elif svc == "bedrock":
                ok = res == ["arn:aws:bedrock:@REGION@::foundation-model/@MODEL_ID@"]
            else:
                ok = False
            if not ok:
                errors.append(f"{role}: {a} on {res} is not the narrowest resource")
        if role == "fdnix-metadata-task" and any(not a.startswith("dynamodb:") for a in acts):
            errors.append(f"{role}: fdnix-metadata only talks to DynamoDB")
for a in sorted(code - set(granted)):
    errors.append(f"the code calls {a}, no task role allows it")
for a in sorted(set(granted) - code):
    errors.append(f"{', '.join(sorted(granted[a]))} allows {a}, the code never calls it")
if errors:
    sys.exit("\n".join(errors))
print(f"# {len(code)} actions in the code, all granted, nothing more: {', '.join(sorted(code))}")
PY
echo "ok"
