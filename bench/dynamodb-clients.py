#!/usr/bin/python3
"""Reference DynamoDB writers for bench/dynamodb.sh (not fdnix code).

  dynamodb-clients.py items RECORDS.jsonl OUT.jsonl
      fdnix-metadata --output records → one PutRequest per line, the items
      fdnix writes (null members left out)
  dynamodb-clients.py create ENDPOINT TABLE
      an on-demand table with fdnix's key schema, ACTIVE
  dynamodb-clients.py sequential ENDPOINT TABLE ITEMS
      the original pipeline's way: botocore (what boto3's batch_writer
      wraps), one BatchWriteItem of 25 at a time on one connection,
      UnprocessedItems sent again
  dynamodb-clients.py ceiling ENDPOINT TABLE ITEMS --concurrency N
      the server's ceiling: N threads on N kept-alive connections sending
      pre-serialised BatchWriteItem bodies as fast as the server answers
      (no signing, no retries beyond UnprocessedItems: the cheapest client
      there is)

Each writer prints one JSON line: client, items, requests, seconds,
items_per_s.  Needs /usr/bin/python3 with Debian's python3-botocore for
"sequential".
"""

import argparse
import collections
import os
import http.client
import json
import sys
import threading
import time
import urllib.parse

BATCH = 25


def plain_to_av(value):
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, list):
        return {"L": [plain_to_av(v) for v in value]}
    return {"M": {k: plain_to_av(v) for k, v in value.items()}}


def items(records, out):
    with open(records, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        for line in f:
            r = json.loads(line)
            r["lastUpdated"] = "2026-01-01T00:00:00.000Z"
            item = {k: plain_to_av(v) for k, v in r.items() if v is not None}
            o.write(json.dumps({"PutRequest": {"Item": item}}, ensure_ascii=False) + "\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def batches(lines):
    return [lines[i:i + BATCH] for i in range(0, len(lines), BATCH)]


def report(client, n_items, requests, seconds):
    print(json.dumps({"client": client, "items": n_items, "requests": requests,
                      "seconds": round(seconds, 3), "items_per_s": round(n_items / seconds, 1)}))


def botocore_client(endpoint):
    import botocore.session
    session = botocore.session.get_session()
    return session.create_client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                                 aws_access_key_id="AKIDBENCH00000000000",
                                 aws_secret_access_key="benchSecretKey000000000000000000000000")


def create(endpoint, table):
    client = botocore_client(endpoint)
    try:
        client.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "packageName", "AttributeType": "S"},
                                                  {"AttributeName": "version", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "packageName", "KeyType": "HASH"},
                                       {"AttributeName": "version", "KeyType": "RANGE"}])
    except client.exceptions.ResourceInUseException:
        pass
    while client.describe_table(TableName=table)["Table"]["TableStatus"] != "ACTIVE":
        time.sleep(0.1)


def sequential(endpoint, table, path):
    client = botocore_client(endpoint)
    work = [[json.loads(w) for w in b] for b in batches(load(path))]
    n = sum(len(b) for b in work)
    requests = 0
    start = time.monotonic()
    for batch in work:
        pending = {table: batch}
        while pending:
            answer = client.batch_write_item(RequestItems=pending)
            requests += 1
            pending = answer.get("UnprocessedItems") or None
    report("sequential-botocore", n, requests, time.monotonic() - start)


def ceiling(endpoint, table, path, concurrency):
    u = urllib.parse.urlsplit(endpoint)
    prefix = '{"RequestItems":{%s:[' % json.dumps(table)
    queue = collections.deque((prefix + ",".join(b) + "]}}").encode("utf-8") for b in batches(load(path)))
    if os.environ.get("BENCH_REVERSE"):
        queue.reverse()
    n = len(load(path))
    lock = threading.Lock()
    counts = {"requests": 0}
    headers = {"Content-Type": "application/x-amz-json-1.0",
               "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH00000000000/20260101/us-east-1/"
                                "dynamodb/aws4_request, SignedHeaders=host, Signature=" + "0" * 64,
               "X-Amz-Date": "20260101T000000Z"}
    errors = []

    def worker():
        try:
            work()
        except Exception as e:  # reported by the main thread
            with lock:
                errors.append(repr(e))

    def work():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        while True:
            with lock:
                if not queue or errors:
                    return
                body = queue.popleft()
            conn.request("POST", "/", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            with lock:
                counts["requests"] += 1
                if resp.status != 200:
                    errors.append("HTTP %d: %s" % (resp.status, data[:200]))
                    return
                left = json.loads(data).get("UnprocessedItems") or {}
                if left:
                    queue.append(json.dumps({"RequestItems": left}).encode("utf-8"))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    if errors:
        sys.exit("ceiling client: %s" % errors[0])
    report("ceiling-%d" % concurrency, n, counts["requests"], seconds)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["items", "create", "sequential", "ceiling"])
    p.add_argument("args", nargs="+")
    p.add_argument("--concurrency", type=int, default=16)
    a = p.parse_args()
    if a.command == "items":
        items(*a.args)
    elif a.command == "create":
        create(*a.args)
    elif a.command == "sequential":
        sequential(*a.args)
    else:
        ceiling(*a.args, a.concurrency)


if __name__ == "__main__":
    main()
