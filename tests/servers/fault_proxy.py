#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for the AWS tests (standard library only).

Sits between a program and a real server (dynalite, DynamoDB Local, s3rver,
...) and, at configurable rates, answers in the service's stead with the
failures a client must survive:

  --throttle R      400 ThrottlingException / ProvisionedThroughputExceededException
  --server-error R  500 InternalServerError / 503 ServiceUnavailable
  --drop R          closes the connection without an answer (half the time
                    before forwarding, half after: the request may have
                    been applied, as in real life)
  --slow R          delays the answer by --slow-seconds (forwarded normally)
  --unprocessed R   BatchWriteItem only: takes some write requests out of the
                    call, forwards the rest, and returns the ones taken out as
                    UnprocessedItems
  --corrupt-crc R   forwards, then damages the x-amz-crc32 header
  --only-errors     every request fails (throttling or 5xx)

Rates are probabilities per request.  Decisions are drawn from a generator
seeded with --seed, the request body and how often that body was seen, so
a run sees the same faults whatever the timing.  Faults apply to the
operations listed in --operations (X-Amz-Target suffixes, default all).

Every request and every injection is logged as a JSON line to --log, and
GET /__fault_proxy/stats answers the counts so far (requests per
operation, faults per kind).
"""

import argparse
import hashlib
import json
import random
import threading
import time
import zlib
from http.server import ThreadingHTTPServer

import local_server

THROTTLE_BODIES = [
    ("ThrottlingException", "Rate of requests exceeds the allowed throughput."),
    ("ProvisionedThroughputExceededException",
     "The level of configured provisioned throughput for the table was exceeded."),
]
SERVER_BODIES = [
    (500, "InternalServerError", "Internal server error"),
    (503, "ServiceUnavailable", "The service is unavailable. Please try again shortly."),
]


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.seen = {}
        self.stats = {"requests": {}, "faults": {}, "forwarded": {}, "write_requests": {}}
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.upstream = local_server.Upstream(args.upstream)
        self.forced = [k for k, rate in (("throttle", args.throttle), ("server_error", args.server_error),
                                         ("drop", args.drop), ("unprocessed", args.unprocessed),
                                         ("corrupt_crc", args.corrupt_crc))
                       if rate > 0]

    def next_forced(self, target):
        """With --first-each, the first eligible requests get one fault of
        each enabled kind in turn, so a short test sees every kind."""
        if not self.args.first_each:
            return None
        with self.lock:
            while self.forced:
                kind = self.forced[0]
                if kind == "unprocessed" and target != "BatchWriteItem":
                    return None
                self.forced.pop(0)
                return kind
        return None

    def rng(self, body):
        digest = hashlib.sha256(body).hexdigest()
        with self.lock:
            n = self.seen.get(digest, 0)
            self.seen[digest] = n + 1
        return random.Random("%s:%s:%d" % (self.args.seed, digest, n))

    def count(self, group, key, n=1):
        with self.lock:
            self.stats[group][key] = self.stats[group].get(key, 0) + n

    def record(self, **entry):
        entry["time"] = round(time.time(), 3)
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(local_server.QuietHandler):  # quiet: the JSON log says it all
    server_version = "fdnix-fault-proxy"

    # -- plumbing

    def reply(self, status, body, headers=()):
        self.send_all(status, body, headers)

    def reply_error(self, status, code, message, kind):
        body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + code,
                           "message": message})
        self.reply(status, body, [("Content-Type", "application/x-amz-json-1.0"),
                                  ("x-amzn-ErrorType", code)])

    def forward(self, body):
        reply = self.server.state.upstream.forward(self.command, self.path, self.headers, body)
        return reply.status, reply.headers, reply.data

    # -- requests

    def do_GET(self):
        if self.path == "/__fault_proxy/stats":
            with self.server.state.lock:
                data = json.dumps(self.server.state.stats, sort_keys=True)
            self.reply(200, data, [("Content-Type", "application/json")])
            return
        self.handle_request()

    def do_POST(self):
        self.handle_request()

    do_PUT = do_POST
    do_DELETE = do_POST
    do_HEAD = do_GET

    def handle_request(self):
        state = self.server.state
        args = state.args
        body = self.read_body()
        target = (self.headers.get("X-Amz-Target") or "").split(".")[-1] or self.command
        state.count("requests", target)
        entry = {"event": "request", "target": target, "method": self.command, "bytes": len(body)}
        if args.log_signatures:
            auth = self.headers.get("Authorization") or ""
            entry["signature"] = auth.rsplit("Signature=", 1)[-1] if "Signature=" in auth else None
        state.record(**entry)
        rng = state.rng(body)
        eligible = not args.operations or target in args.operations
        roll = rng.random()

        if eligible and args.only_errors:
            if rng.random() < 0.5:
                code, message = THROTTLE_BODIES[0]
                self.fault(target, "throttle", code=code)
                self.reply_error(400, code, message, "throttle")
            else:
                status, code, message = SERVER_BODIES[rng.randrange(2)]
                self.fault(target, "server_error", status=status)
                self.reply_error(status, code, message, "server_error")
            return

        # one draw decides among the exclusive faults, by cumulative rate
        edges = []
        acc = 0.0
        for kind, rate in (("throttle", args.throttle), ("server_error", args.server_error),
                           ("drop", args.drop), ("unprocessed", args.unprocessed)):
            acc += rate
            edges.append((acc, kind))
        kind = None
        force_crc = False
        if eligible:
            for edge, name in edges:
                if roll < edge:
                    kind = name
                    break
            forced = state.next_forced(target)
            if forced == "corrupt_crc":
                kind, force_crc = None, True
            elif forced:
                kind = forced
        if kind == "unprocessed" and target != "BatchWriteItem":
            kind = None

        if kind == "throttle":
            code, message = THROTTLE_BODIES[rng.randrange(len(THROTTLE_BODIES))]
            self.fault(target, "throttle", code=code)
            self.reply_error(400, code, message, kind)
            return
        if kind == "server_error":
            status, code, message = SERVER_BODIES[rng.randrange(len(SERVER_BODIES))]
            self.fault(target, "server_error", status=status)
            self.reply_error(status, code, message, kind)
            return
        if kind == "drop":
            after = rng.random() < 0.5
            if after:
                self.forward(body)
            self.fault(target, "drop", after_forwarding=after)
            self.close_connection = True
            return
        if kind == "unprocessed":
            self.partial_batch(target, body, rng)
            return

        if eligible and args.slow and rng.random() < args.slow:
            self.fault(target, "slow", seconds=args.slow_seconds)
            time.sleep(args.slow_seconds)
        status, headers, data = self.forward(body)
        state.count("forwarded", target)
        if target == "BatchWriteItem" and status == 200:
            self.count_writes(body, data)
        if force_crc or (eligible and args.corrupt_crc and rng.random() < args.corrupt_crc):
            headers = [(k, str((int(v) + 1) % 2**32) if k.lower() == "x-amz-crc32" else v)
                       for k, v in headers]
            self.fault(target, "corrupt_crc")
        self.reply(status, data, headers)

    def count_writes(self, body, answer):
        """Counts the write requests a forwarded call applied."""
        state = self.server.state
        left = sum(len(v) for v in (json.loads(answer).get("UnprocessedItems") or {}).values())
        for writes in json.loads(body).get("RequestItems", {}).values():
            for write in writes:
                for kind in write:
                    state.count("write_requests", kind)
        if left:
            state.count("write_requests", "unprocessed_by_server", left)

    def fault(self, target, kind, **detail):
        self.server.state.count("faults", kind)
        self.server.state.record(event="fault", target=target, fault=kind, **detail)

    def partial_batch(self, target, body, rng):
        state = self.server.state
        request = json.loads(body)
        items = request.get("RequestItems", {})
        kept, taken = {}, {}
        total = 0
        for table, writes in items.items():
            for write in writes:
                total += 1
                (taken if rng.random() < 0.5 else kept).setdefault(table, []).append(write)
        if not taken:  # take at least one out
            table = next(iter(kept))
            taken[table] = [kept[table].pop()]
            if not kept[table]:
                del kept[table]
        n_taken = sum(len(v) for v in taken.values())
        self.fault(target, "unprocessed", taken=n_taken, of=total)
        if kept:
            request["RequestItems"] = kept
            forwarded = json.dumps(request).encode("utf-8")
            status, headers, data = self.forward(forwarded)
            state.count("forwarded", target)
            if status == 200:
                self.count_writes(forwarded, data)
            if status != 200:
                self.reply(status, data, headers)
                return
            answer = json.loads(data)
        else:
            answer = {}
        unprocessed = answer.get("UnprocessedItems") or {}
        for table, writes in taken.items():
            unprocessed.setdefault(table, []).extend(writes)
        answer["UnprocessedItems"] = unprocessed
        # the CRC32 of what we send, as DynamoDB would compute it
        data = json.dumps(answer).encode("utf-8")
        self.reply(200, data, [("Content-Type", "application/x-amz-json-1.0"),
                               ("x-amz-crc32", str(zlib.crc32(data) & 0xffffffff))])


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream", required=True, help="URL of the real server")
    p.add_argument("--seed", default="0")
    p.add_argument("--throttle", type=float, default=0.0)
    p.add_argument("--server-error", type=float, default=0.0)
    p.add_argument("--drop", type=float, default=0.0)
    p.add_argument("--slow", type=float, default=0.0)
    p.add_argument("--slow-seconds", type=float, default=2.0)
    p.add_argument("--unprocessed", type=float, default=0.0)
    p.add_argument("--corrupt-crc", type=float, default=0.0)
    p.add_argument("--only-errors", action="store_true")
    p.add_argument("--first-each", action="store_true",
                   help="inject one fault of each enabled kind first (short tests see them all)")
    p.add_argument("--operations", default="", help="comma-separated X-Amz-Target operations to disturb")
    p.add_argument("--log", help="JSON lines log of requests and faults")
    p.add_argument("--log-signatures", action="store_true",
                   help="log each request's SigV4 signature (for the test that greps program logs for them)")
    args = p.parse_args()
    args.operations = {o for o in args.operations.split(",") if o}
    server = Server(("127.0.0.1", args.port), Handler)
    server.state = State(args)
    print("fault proxy on 127.0.0.1:%d -> %s" % (args.port, args.upstream), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
