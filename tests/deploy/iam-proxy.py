#!/usr/bin/python3
"""IAM in front of a local AWS stand-in, for the deployment test.

Sits between the fdnix programs and dynalite / s3rver / the Bedrock test
server.  For every request it

  1. checks the SigV4 signature with botocore (tests/servers/sigv4_verifier.py)
     against the temporary credentials the container credentials endpoint
     handed out, session token included: a request signed with anything else
     (static keys, a profile) is refused;
  2. finds the role those credentials belong to, maps the request to its IAM
     action and resource ARN (dynamodb:<X-Amz-Target operation> on the
     table; s3:GetObject / PutObject / DeleteObject / ListBucket from method,
     path and query, with s3:prefix; bedrock:InvokeModel on the foundation
     model) and evaluates the role's rendered policy (iam_policy.py);
  3. forwards an allowed request unchanged; answers a denied or unmapped
     one with the service's AccessDenied error.

Every decision is a JSON line in --log; GET /__iam/stats answers the counts
({"allowed": N, "denied": N, "bad_signature": N}).

  iam-proxy.py --service dynamodb|s3|bedrock --upstream URL --roles ROLES.json
               --account ID --port-file FILE --log FILE

ROLES.json: {"roles": [{"name", "policy", "AccessKeyId", "SecretAccessKey",
"Token"}, ...]} (written by the test).  Run with Debian's /usr/bin/python3
(python3-botocore).
"""

import argparse
import json
import os
import sys
import threading
import urllib.parse
from http.server import ThreadingHTTPServer
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "servers"))

import iam_policy  # noqa: E402  (beside this file)
import local_server  # noqa: E402  (tests/servers)
from sigv4_verifier import AUTH_RE, Verifier  # noqa: E402  (tests/servers)


def dynamodb_request(method, path, query, headers, body, region, account):
    target = headers.get("x-amz-target", "")
    if method != "POST" or not target.startswith("DynamoDB_20120810."):
        return None, "not a DynamoDB JSON request (X-Amz-Target %r)" % target
    operation = target.split(".", 1)[1]
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return None, "body is not JSON"
    tables = []
    if "TableName" in payload:
        tables.append(payload["TableName"])
    for key in ("RequestItems",):
        tables.extend((payload.get(key) or {}).keys())
    if not tables:
        return None, "%s names no table" % operation
    arn = "arn:aws:dynamodb:%s:%s:table/" % (region, account)
    return [("dynamodb:" + operation, arn + t, {}) for t in sorted(set(tables))], None


def s3_request(method, path, query, headers, body, region, account):
    parts = urllib.parse.unquote(path).lstrip("/").split("/", 1)
    bucket = parts[0]
    key = parts[1] if len(parts) > 1 else ""
    if not bucket:
        return None, "ListBuckets is not a call fdnix makes"
    if not key:
        if method == "GET" and query.get("list-type") == ["2"]:
            prefix = (query.get("prefix") or [""])[0]
            return [("s3:ListBucket", "arn:aws:s3:::" + bucket, {"s3:prefix": [prefix]})], None
        return None, "bucket-level %s %s is not mapped" % (method, "&".join(sorted(query)))
    if query and method != "GET":
        return None, "object-level %s with ?%s is not mapped" % (method, "&".join(sorted(query)))
    action = {"GET": "s3:GetObject", "HEAD": "s3:GetObject", "PUT": "s3:PutObject",
              "DELETE": "s3:DeleteObject"}.get(method)
    if action is None:
        return None, "%s on an object is not mapped" % method
    if action == "s3:PutObject" and "x-amz-copy-source" in headers:
        return None, "CopyObject is not a call fdnix makes"
    return [(action, "arn:aws:s3:::%s/%s" % (bucket, key), {})], None


def bedrock_request(method, path, query, headers, body, region, account):
    parts = path.split("/")
    if method != "POST" or len(parts) != 4 or parts[1] != "model" or parts[3] != "invoke":
        return None, "%s %s is not InvokeModel" % (method, path)
    model = urllib.parse.unquote(parts[2])
    return [("bedrock:InvokeModel", "arn:aws:bedrock:%s::foundation-model/%s" % (region, model), {})], None


SERVICES = {"dynamodb": dynamodb_request, "s3": s3_request, "bedrock": bedrock_request}


def deny_reply(service, message):
    """The AccessDenied answer each service gives."""
    if service == "s3":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                "<Message>%s</Message></Error>" % escape(message)).encode()
        return 403, [("Content-Type", "application/xml")], body
    if service == "dynamodb":
        body = json.dumps({"__type": "com.amazon.coral.service#AccessDeniedException",
                           "message": message}).encode()
        return 400, [("Content-Type", "application/x-amz-json-1.0")], body
    body = json.dumps({"message": message}).encode()
    return 403, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "AccessDeniedException")], body


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, args):
        super().__init__(address, Handler)
        self.args = args
        with open(args.roles, encoding="utf-8") as f:
            roles = json.load(f)["roles"]
        self.roles = {r["AccessKeyId"]: r for r in roles}
        self.policies = {r["AccessKeyId"]: iam_policy.load(r["policy"]) for r in roles}
        self.verifier = Verifier({r["AccessKeyId"]: r["SecretAccessKey"] for r in roles})
        self.lock = threading.Lock()
        self.stats = {"allowed": 0, "denied": 0, "bad_signature": 0}
        self.log = open(args.log, "a", buffering=1)
        self.upstream = local_server.Upstream(args.upstream, timeout=300)

    def record(self, outcome, **entry):
        entry["outcome"] = outcome
        entry["service"] = self.args.service
        with self.lock:
            self.stats[outcome] += 1
            self.log.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(local_server.QuietHandler):
    server_version = "fdnix-iam-proxy"

    def reply(self, status, headers, data):
        self.send_all(status, data, headers)

    def handle_any(self):
        server = self.server
        body = self.read_body()
        if self.path == "/__iam/stats":
            with server.lock:
                data = json.dumps(server.stats).encode()
            self.reply(200, [("Content-Type", "application/json")], data)
            return
        split = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        where = "%s %s" % (self.command, split.path)

        m = AUTH_RE.match(headers.get("authorization", ""))
        key_id = m.group(1) if m else None
        role = server.roles.get(key_id)
        ok, reason = server.verifier.verify(self.command, self.path, list(self.headers.items()), body)
        if ok and headers.get("x-amz-security-token") != role["Token"]:
            ok, reason = False, "the session token of the container credentials is missing or wrong"
        if not ok:
            message = "request not signed with the task role's container credentials: " + reason.split("\n")[0]
            server.record("bad_signature", request=where, reason=message, key=key_id)
            status, out_headers, data = deny_reply(server.args.service, message)
            self.reply(status, out_headers, data)
            return

        region = m.group(3)
        calls, problem = SERVICES[server.args.service](self.command, split.path, query, headers, body,
                                                       region, server.args.account)
        if calls is None:
            message = "%s: %s (the test maps every call fdnix makes to an IAM action)" % (where, problem)
            server.record("denied", request=where, role=role["name"], reason=message)
            status, out_headers, data = deny_reply(server.args.service, message)
            self.reply(status, out_headers, data)
            return
        for action, resource, context in calls:
            allowed, why = iam_policy.evaluate(server.policies[key_id], action, resource, context)
            if not allowed:
                message = ("User: arn:aws:sts::%s:assumed-role/%s/task is not authorized to perform: "
                           "%s on resource: %s (%s)" % (server.args.account, role["name"], action, resource, why))
                server.record("denied", request=where, role=role["name"], action=action,
                              resource=resource, reason=message)
                status, out_headers, data = deny_reply(server.args.service, message)
                self.reply(status, out_headers, data)
                return
        for action, resource, context in calls:
            server.record("allowed", role=role["name"], action=action, resource=resource)
        self.forward(body)

    def forward(self, body):
        reply = self.server.upstream.forward(self.command, self.path, self.headers, body)
        # for a HEAD, the length is the object's, not that of the empty answer
        self.send_all(reply.status, reply.data, reply.headers,
                      length=reply.length if self.command == "HEAD" else None)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--service", choices=sorted(SERVICES), required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--roles", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--log", required=True)
    args = p.parse_args()
    server = Server(("127.0.0.1", args.port), args)
    local_server.serve(server, args.port_file)


if __name__ == "__main__":
    main()
