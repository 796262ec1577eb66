#!/usr/bin/env python3
"""Read DynamoDB scans made by the AWS CLI, for the DynamoDB tests.

  ddb_items.py scan ENDPOINT TABLE OUTDIR [SEGMENTS]
      pages through `/usr/bin/aws dynamodb scan` (20,000 items per call,
      so memory stays bounded; SEGMENTS CLI processes in parallel) and
      writes OUTDIR/page-S-N.json
  ddb_items.py digest [--ignore ATTR]... FILE...
      one line per item, "packageName<TAB>version<TAB>sha256 of the item as
      plain JSON without ATTRs", sorted: two tables hold the same items
      exactly when their digests are equal
  ddb_items.py compare [--ignore ATTR]... EXPECTED.jsonl FILE...
      every record of EXPECTED (JSON lines, e.g. fdnix-metadata --output)
      is an item with the same attributes (null members absent), and there
      is no other item; prints the differences
  ddb_items.py keys FILE...
      "packageName<TAB>version" of every item

Standard library only; the AWS CLI is found at $AWS_CLI or /usr/bin/aws.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading


def plain(value):
    (kind, inner), = value.items()
    if kind == "S":
        return inner
    if kind == "N":
        return int(inner) if inner.lstrip("-").isdigit() else float(inner)
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind == "L":
        return [plain(v) for v in inner]
    if kind == "M":
        return {k: plain(v) for k, v in inner.items()}
    if kind in ("SS", "BS"):
        return list(inner)
    if kind == "NS":
        return [plain({"N": v}) for v in inner]
    return inner


def items(files):
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for item in doc.get("Items", []):
            yield {k: plain(v) for k, v in item.items()}


def scan_segment(endpoint, table, outdir, segment, segments):
    cli = os.environ.get("AWS_CLI", "/usr/bin/aws")
    token = None
    page = 0
    while True:
        cmd = [cli, "dynamodb", "scan", "--endpoint-url", endpoint, "--table-name", table,
               "--output", "json", "--max-items", "20000"]
        if segments > 1:
            cmd += ["--segment", str(segment), "--total-segments", str(segments)]
        if token:
            cmd += ["--starting-token", token]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
        path = os.path.join(outdir, "page-%02d-%04d.json" % (segment, page))
        with open(path, "wb") as f:
            f.write(out)
        token = json.loads(out).get("NextToken")
        page += 1
        if not token:
            return


def scan(endpoint, table, outdir, segments=1):
    """One AWS CLI process per segment, in parallel (the CLI's JSON
    parsing, not the server, is the slow part)."""
    os.makedirs(outdir, exist_ok=True)
    segments = int(segments)
    errors = []

    def run(i):
        try:
            scan_segment(endpoint, table, outdir, i, segments)
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(segments)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def canonical(item, ignore):
    return json.dumps({k: v for k, v in item.items() if k not in ignore}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["scan", "digest", "compare", "keys"])
    p.add_argument("--ignore", action="append", default=[])
    p.add_argument("args", nargs="+")
    a = p.parse_args()
    ignore = set(a.ignore)

    if a.command == "scan":
        scan(*a.args)
        return 0
    if a.command == "keys":
        for item in items(a.args):
            print("%s\t%s" % (item["packageName"], item["version"]))
        return 0
    if a.command == "digest":
        lines = []
        for item in items(a.args):
            digest = hashlib.sha256(canonical(item, ignore).encode("utf-8")).hexdigest()
            lines.append("%s\t%s\t%s" % (item["packageName"], item["version"], digest))
        for line in sorted(lines):
            print(line)
        return 0

    # compare
    expected = {}
    with open(a.args[0], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = {k: v for k, v in json.loads(line).items() if v is not None}
                expected[(record["packageName"], record["version"])] = record
    found = {}
    for item in items(a.args[1:]):
        found[(item["packageName"], item["version"])] = item
    problems = 0
    for key, record in sorted(expected.items()):
        item = found.get(key)
        if item is None:
            print("missing: %s %s" % key)
            problems += 1
            continue
        want, have = canonical(record, ignore), canonical(item, ignore)
        if want != have:
            print("different: %s %s\n  expected %s\n  stored   %s" % (key + (want, have)))
            problems += 1
    for key in sorted(set(found) - set(expected)):
        print("unexpected: %s %s" % key)
        problems += 1
    print("# %d expected, %d stored, %d problems" % (len(expected), len(found), problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
