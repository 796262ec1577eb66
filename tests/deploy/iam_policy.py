#!/usr/bin/env python3
"""IAM policy evaluation for the deployment test (standard library only).

Evaluates an identity policy the way IAM does for the parts the fdnix
policies use: Allow and Deny statements, Action / NotAction and Resource /
NotResource with the * and ? wildcards, and Condition blocks with the
String*, Arn* operators (and their IfExists forms) over the context keys the
caller supplies.  An explicit Deny wins; nothing allowed is denied.
A condition operator this module does not know denies, so a policy that
starts using one makes the test fail rather than pass unchecked.

As a program:
  iam_policy.py check POLICY.json ACTION RESOURCE [KEY=VALUE]...
prints "allowed: <statement>" and exits 0, or "denied: <why>" and exits 1.
"""

import json
import re
import sys


def _list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _glob(pattern, value, case_sensitive=True):
    """IAM wildcards: * any run of characters, ? one character."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(regex, value, flags | re.DOTALL) is not None


def _action_matches(patterns, action):
    # action names are case-insensitive in IAM, service prefixes included
    return any(_glob(p, action, case_sensitive=False) for p in _list(patterns))


def _resource_matches(patterns, resource):
    return any(_glob(p, resource) for p in _list(patterns))


def _arn_like(pattern, value):
    """ArnLike/ArnEquals compare the six ARN fields, each with wildcards."""
    p = pattern.split(":", 5)
    v = value.split(":", 5)
    if len(p) != 6 or len(v) != 6:
        return False
    return all(_glob(a, b) for a, b in zip(p, v))


OPERATORS = {
    "StringEquals": lambda p, v: p == v,
    "StringNotEquals": lambda p, v: p != v,
    "StringEqualsIgnoreCase": lambda p, v: p.lower() == v.lower(),
    "StringLike": _glob,
    "StringNotLike": lambda p, v: not _glob(p, v),
    "ArnEquals": _arn_like,
    "ArnLike": _arn_like,
    "ArnNotEquals": lambda p, v: not _arn_like(p, v),
    "ArnNotLike": lambda p, v: not _arn_like(p, v),
}
NEGATED = {"StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def _conditions_hold(conditions, context):
    """Every operator, every key: some value matches (all for negated ones)."""
    for operator, block in (conditions or {}).items():
        if_exists = operator.endswith("IfExists")
        base = operator[:-len("IfExists")] if if_exists else operator
        test = OPERATORS.get(base)
        if test is None:
            return False, "condition operator %s is not understood by the test" % operator
        for key, patterns in block.items():
            values = context.get(key, context.get(key.lower()))
            if values is None:
                if if_exists:
                    continue
                return False, "%s %s: the request has no %s" % (operator, key, key)
            values = _list(values)
            if base in NEGATED:
                ok = all(all(test(p, v) for p in _list(patterns)) for v in values)
            else:
                ok = any(test(p, v) for p in _list(patterns) for v in values)
            if not ok:
                return False, "%s %s: %s does not match %s" % (operator, key, values, _list(patterns))
    return True, ""


def evaluate(policy, action, resource, context=None):
    """Returns (allowed, reason) for ACTION on RESOURCE under POLICY."""
    context = context or {}
    allowed_by = None
    misses = []
    for index, statement in enumerate(_list(policy.get("Statement"))):
        name = statement.get("Sid") or "statement %d" % index
        if "Action" in statement:
            if not _action_matches(statement["Action"], action):
                continue
        elif "NotAction" in statement:
            if _action_matches(statement["NotAction"], action):
                continue
        else:
            continue
        if "Resource" in statement:
            if not _resource_matches(statement["Resource"], resource):
                misses.append("%s allows %s but not on %s" % (name, action, resource))
                continue
        elif "NotResource" in statement:
            if _resource_matches(statement["NotResource"], resource):
                continue
        else:
            continue
        ok, why = _conditions_hold(statement.get("Condition"), context)
        if not ok:
            misses.append("%s: %s" % (name, why))
            continue
        if statement.get("Effect") == "Deny":
            return False, "explicitly denied by %s" % name
        if statement.get("Effect") == "Allow" and allowed_by is None:
            allowed_by = name
    if allowed_by is not None:
        return True, "allowed by %s" % allowed_by
    return False, "no statement allows %s on %s%s" % (
        action, resource, (" (" + "; ".join(misses) + ")") if misses else "")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) < 4 or argv[0] != "check":
        sys.stderr.write(__doc__)
        return 2
    policy = load(argv[1])
    context = {}
    for pair in argv[4:]:
        key, _, value = pair.partition("=")
        context.setdefault(key, []).append(value)
    ok, why = evaluate(policy, argv[2], argv[3], context)
    print(("allowed: " if ok else "denied: ") + why)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
