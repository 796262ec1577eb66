#!/usr/bin/env python3
"""The ECS container credentials endpoint, for the deployment test.

In a Fargate task the ECS agent serves the task role's temporary
credentials at AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
AWS_CONTAINER_CREDENTIALS_FULL_URI, and checks the Authorization header
against AWS_CONTAINER_AUTHORIZATION_TOKEN.  This server does the same on
127.0.0.1 for every role in ROLES.json ({"roles": [{"name", "path",
"authorization", "AccessKeyId", "SecretAccessKey", "Token"}]}):

  GET <path> with Authorization: <authorization>
      200 {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn"}
  anything else: 403 (wrong or missing token) or 404 (no such path)

GET /__credentials/stats answers {"served": N, "refused": N, "by_role": {...}}.
Standard library only.
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "servers"))
import local_server  # noqa: E402  (tests/servers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, args):
        super().__init__(address, Handler)
        with open(args.roles, encoding="utf-8") as f:
            self.roles = {r["path"]: r for r in json.load(f)["roles"]}
        self.account = args.account
        self.lock = threading.Lock()
        self.stats = {"served": 0, "refused": 0, "by_role": {}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("container-credentials: " + (fmt % args) + "\n")

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        server = self.server
        if self.path == "/__credentials/stats":
            with server.lock:
                self.reply(200, server.stats)
            return
        role = server.roles.get(self.path)
        if role is None:
            self.reply(404, {"code": "NotFound", "message": "no credentials at %s" % self.path})
            return
        if self.headers.get("Authorization") != role["authorization"]:
            with server.lock:
                server.stats["refused"] += 1
            self.reply(403, {"code": "AccessDenied", "message": "Authorization token does not match"})
            return
        with server.lock:
            server.stats["served"] += 1
            server.stats["by_role"][role["name"]] = server.stats["by_role"].get(role["name"], 0) + 1
        expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 6 * 3600))
        self.reply(200, {"RoleArn": "arn:aws:iam::%s:role/%s" % (server.account, role["name"]),
                         "AccessKeyId": role["AccessKeyId"], "SecretAccessKey": role["SecretAccessKey"],
                         "Token": role["Token"], "Expiration": expiration})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--roles", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    args = p.parse_args()
    local_server.serve(Server(("127.0.0.1", args.port), args), args.port_file)


if __name__ == "__main__":
    main()
