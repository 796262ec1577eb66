#!/usr/bin/python3
"""Check AWS SigV4 signatures with botocore, as an independent verifier.

As a module (for other test servers, e.g. a Bedrock stand-in):

    from sigv4_verifier import Verifier
    verifier = Verifier({"AKID...": "secret"})
    ok, reason = verifier.verify(method, raw_path, headers, body)

`headers` is a list of (name, value) pairs as received, `raw_path` the
request target as sent (encoded path and query).  The signature is
recomputed by botocore's own signer (SigV4Auth, or S3SigV4Auth for s3) from
the headers named in SignedHeaders, and must match; so must the scope's
date, the payload hash (unless UNSIGNED-PAYLOAD) and the clock (within 15
minutes).

As a server (needs Debian's python3-botocore: run with /usr/bin/python3):

    sigv4_verifier.py --port N [--upstream URL] [--log FILE]

answers 403 InvalidSignatureException (DynamoDB's error shape) to a badly
signed request, and forwards a good one to --upstream (or answers 200 {}).
Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import argparse
import calendar
import hashlib
import hmac
import json
import os
import re
import threading
import time
from http.server import ThreadingHTTPServer

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import local_server

AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([a-z0-9;._-]+), Signature=([0-9a-f]{64})$")
MAX_SKEW_S = 15 * 60


class Verifier:
    def __init__(self, keys):
        self.keys = dict(keys)
        self.lock = threading.Lock()
        self.checked = 0
        self.refused = 0

    def verify(self, method, raw_path, headers, body):
        ok, reason = self._verify(method, raw_path, headers, body)
        with self.lock:
            self.checked += 1
            if not ok:
                self.refused += 1
        return ok, reason

    def _verify(self, method, raw_path, headers, body):
        lower = {}
        for name, value in headers:
            lower.setdefault(name.lower(), []).append(value)
        auth = (lower.get("authorization") or [""])[0]
        m = AUTH_RE.match(auth)
        if not m:
            return False, "no SigV4 Authorization header"
        key_id, date, region, service, signed, signature = m.groups()
        secret = self.keys.get(key_id)
        if secret is None:
            return False, "unknown access key %s" % key_id
        amz_date = (lower.get("x-amz-date") or [""])[0]
        if not re.match(r"^\d{8}T\d{6}Z$", amz_date) or amz_date[:8] != date:
            return False, "X-Amz-Date %r does not match the scope date %s" % (amz_date, date)
        when = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
        if abs(time.time() - when) > MAX_SKEW_S:
            return False, "Signature expired: %s is too far from now" % amz_date
        names = signed.split(";")
        if "host" not in names:
            return False, "host is not signed"
        if names != sorted(names):
            return False, "SignedHeaders are not sorted"
        for name in names:
            if name not in lower:
                return False, "signed header %s is missing" % name
        token = (lower.get("x-amz-security-token") or [None])[0]
        if token is not None and "x-amz-security-token" not in names:
            return False, "the session token is not signed"
        content_sha = (lower.get("x-amz-content-sha256") or [None])[0]
        if content_sha not in (None, "UNSIGNED-PAYLOAD") and content_sha != hashlib.sha256(body).hexdigest():
            return False, "x-amz-content-sha256 does not match the body"

        host = lower["host"][0]
        request = AWSRequest(method=method, url="http://%s%s" % (host, raw_path), data=body)
        for name in names:
            # HTTPHeaders appends on assignment; botocore joins repeats itself
            for value in lower[name]:
                request.headers[name] = value
        request.context["timestamp"] = amz_date
        creds = Credentials(key_id, secret, token)
        signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(creds, service, region)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, signature):
            return False, ("The request signature we calculated does not match the signature you "
                           "provided. Canonical request:\n%s" % canonical)
        return True, "ok"


class Handler(local_server.QuietHandler):
    def handle_any(self):
        body = self.read_body()
        if self.path == "/__sigv4/stats":
            v = self.server.verifier
            self.reply(200, json.dumps({"checked": v.checked, "refused": v.refused}).encode())
            return
        ok, reason = self.server.verifier.verify(self.command, self.path, list(self.headers.items()), body)
        self.server.record(ok=ok, reason=reason.split("\n")[0], method=self.command, path=self.path.split("?")[0])
        if not ok:
            self.reply(403, json.dumps({"__type": "com.amazon.coral.service#InvalidSignatureException",
                                        "message": reason}).encode(),
                       [("Content-Type", "application/x-amz-json-1.0"),
                        ("x-amzn-ErrorType", "InvalidSignatureException")])
            return
        if not self.server.upstream:
            self.reply(200, b"{}", [("Content-Type", "application/x-amz-json-1.0")])
            return
        status, headers, data = self.server.forward(self.command, self.path, self.headers, body)
        self.reply(status, data, headers)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    def reply(self, status, data, headers=()):
        self.send_all(status, data, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, verifier, upstream=None, log=None):
        super().__init__(address, Handler)
        self.verifier = verifier
        self.upstream = local_server.Upstream(upstream) if upstream else None
        self.log = open(log, "a", buffering=1) if log else None
        self.lock = threading.Lock()

    def record(self, **entry):
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry, sort_keys=True) + "\n")

    def forward(self, method, path, headers, body):
        reply = self.upstream.forward(method, path, headers, body)
        return reply.status, reply.headers, reply.data

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--upstream")
    p.add_argument("--log")
    args = p.parse_args()
    keys = {os.environ["AWS_ACCESS_KEY_ID"]: os.environ["AWS_SECRET_ACCESS_KEY"]}
    server = Server(("127.0.0.1", args.port), Verifier(keys), args.upstream, args.log)
    print("sigv4 verifier on 127.0.0.1:%d" % args.port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
