#!/usr/bin/python3
"""A Bedrock runtime test server: InvokeModel for Cohere embed v3 and Titan
text embeddings v2, with every request's SigV4 signature checked by
botocore (an implementation independent of fdnix's signer).

Run with Debian's /usr/bin/python3 (python3-botocore).  Options:
  --port N             listen on 127.0.0.1:N
  --port-file FILE     or pick a free port and write it to FILE
  --latency-ms MS      sleep this long before answering each request
  --throttle-every K   answer every K-th request with 429 ThrottlingException
  --throttle-first N   answer the first N requests with 429
  --fail-after N       answer every request after the N-th with 500
  --seed S             varies the deterministic vectors (default 0)
  --credentials FILE   also accept the keys in FILE ({"roles": [{"AccessKeyId",
                       "SecretAccessKey", "Token"}]}, e.g. temporary
                       credentials a container endpoint hands out), each
                       with its own secret and session token

Vectors are deterministic: the same text (and input type) always gives the
same vector, built from SHA-256 of the text, so a run can be checked
against the server.  Cohere answers alternate between the two documented
shapes ("embeddings" as a list of lists, and {"float": [...]} typed
embeddings); error bodies alternate between "message" and "Message".

GET /__stats returns the counters as JSON: requests (all, retries
included), ok, throttled, bad_signatures, invalid, texts, max_in_flight.
"""
import argparse
import hashlib
import hmac
import json
import os
import random
import re
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import local_server  # beside this file

AUTH_RE = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, ?SignedHeaders=(?P<signed>[^,]+), ?Signature=(?P<sig>[0-9a-f]{64})$")

COHERE_DIMENSIONS = {"cohere.embed-english-v3": 1024, "cohere.embed-multilingual-v3": 1024,
                     "cohere.embed-english-light-v3": 384, "cohere.embed-multilingual-light-v3": 384}


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {"requests": 0, "ok": 0, "throttled": 0, "bad_signatures": 0,
                       "invalid": 0, "server_errors": 0, "texts": 0, "max_in_flight": 0}
        self.in_flight = 0

    def add(self, name, n=1):
        with self.lock:
            self.counts[name] += n

    def enter(self):
        with self.lock:
            self.counts["requests"] += 1
            self.in_flight += 1
            self.counts["max_in_flight"] = max(self.counts["max_in_flight"], self.in_flight)
            return self.counts["requests"]

    def leave(self):
        with self.lock:
            self.in_flight -= 1


_cache = {}
_cache_lock = threading.Lock()


def vector_json(text, dimension, seed, input_type=""):
    """A deterministic unit-length vector for a text, rounded to 6 digits,
    as JSON text (cached: the benchmark measures the client, not this)."""
    key = (seed, input_type, text, dimension)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256(("%d\0%s\0%s" % (seed, input_type, text)).encode("utf-8")).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    out = [rng.random() - 0.5 for _ in range(dimension)]
    norm = sum(x * x for x in out) ** 0.5
    encoded = "[" + ",".join("%.6f" % (x / norm) for x in out) + "]"
    with _cache_lock:
        if len(_cache) < 200000:
            _cache[key] = encoded
    return encoded


def verify_signature(handler, body, secret, token):
    """Checks the request's SigV4 signature with botocore; returns an error or None."""
    auth = handler.headers.get("Authorization", "")
    m = AUTH_RE.match(auth)
    if not m:
        return "missing or malformed Authorization header"
    amz_date = handler.headers.get("X-Amz-Date")
    if not amz_date or amz_date[:8] != m.group("date"):
        return "X-Amz-Date missing or not the credential date"
    if m.group("service") != "bedrock":
        return "signed for service %r, not 'bedrock'" % m.group("service")
    if token is not None and handler.headers.get("X-Amz-Security-Token") != token:
        return "missing session token"
    signed = m.group("signed").split(";")
    if "host" not in signed or "x-amz-date" not in signed:
        return "host and x-amz-date must be signed"
    headers = {}
    for name in signed:
        value = handler.headers.get(name)
        if value is None:
            return "signed header %r not sent" % name
        headers[name] = value
    url = "http://%s%s" % (handler.headers["Host"], handler.path)
    request = AWSRequest(method=handler.command, url=url, data=body, headers=headers)
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(m.group("key"), secret, token), "bedrock", m.group("region"))
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, m.group("sig")):
        return "signature mismatch (canonical request:\n%s)" % canonical
    return None


def make_handler(options, stats):
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    token = os.environ.get("AWS_SESSION_TOKEN") or None
    keys = None
    if options.credentials:
        with open(options.credentials, encoding="utf-8") as f:
            keys = {r["AccessKeyId"]: (r["SecretAccessKey"], r.get("Token"))
                    for r in json.load(f)["roles"]}

    class Handler(local_server.QuietHandler):
        def log_message(self, fmt, *args):
            if options.verbose:
                sys.stderr.write("bedrock-server: " + (fmt % args) + "\n")

        def reply(self, status, payload, error_type=None):
            self.reply_text(status, json.dumps(payload, separators=(",", ":")), error_type)

        def reply_text(self, status, text, error_type=None):
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-%012d" % stats.counts["requests"])
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
            self.end_headers()
            self.wfile.write(data)

        def error(self, number, status, error_type, message):
            # both spellings occur in AWS error bodies
            key = "message" if number % 2 else "Message"
            self.reply(status, {key: message}, error_type)

        def do_GET(self):
            if self.path == "/__stats":
                with stats.lock:
                    self.reply(200, dict(stats.counts))
                return
            self.reply(404, {"message": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            number = stats.enter()
            try:
                self.handle_invoke(number, body)
            finally:
                stats.leave()

        def handle_invoke(self, number, body):
            if options.latency_ms:
                time.sleep(options.latency_ms / 1000.0)
            if keys is None:
                problem = verify_signature(self, body, secret, token)
            else:
                m = AUTH_RE.match(self.headers.get("Authorization", ""))
                key = keys.get(m.group("key")) if m else None
                problem = verify_signature(self, body, *(key or (secret, token)))
            if problem:
                stats.add("bad_signatures")
                sys.stderr.write("bedrock-server: request %d: %s\n" % (number, problem))
                self.error(number, 403, "InvalidSignatureException",
                           "The request signature we calculated does not match the signature you provided.")
                return
            if (options.throttle_first and number <= options.throttle_first) or \
               (options.throttle_every and number % options.throttle_every == 0):
                stats.add("throttled")
                self.error(number, 429, "ThrottlingException", "Too many requests, please wait before trying again.")
                return
            if options.fail_after is not None and number > options.fail_after:
                stats.add("server_errors")
                self.error(number, 500, "InternalServerException", "injected failure")
                return
            m = re.match(r"^/model/([^/]+)/invoke$", urlsplit(self.path).path)
            model = unquote(m.group(1)) if m else None
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            if model is None or not isinstance(request, dict):
                stats.add("invalid")
                self.error(number, 400, "ValidationException", "Malformed input request")
                return
            if model in COHERE_DIMENSIONS:
                self.cohere(number, model, request)
            elif model.startswith("amazon.titan-embed-text-v2"):
                self.titan(number, request)
            else:
                stats.add("invalid")
                self.error(number, 404, "ResourceNotFoundException", "Could not resolve the foundation model from the model identifier")

        def cohere(self, number, model, request):
            texts = request.get("texts")
            input_type = request.get("input_type")
            problem = None
            if not isinstance(texts, list) or not 1 <= len(texts) <= 96:
                problem = "texts: between 1 and 96 texts"
            elif any(not isinstance(t, str) or len(t) > 2048 for t in texts):
                problem = "texts: each at most 2048 characters"
            elif input_type not in ("search_document", "search_query", "classification", "clustering"):
                problem = "input_type: invalid value"
            elif request.get("truncate", "NONE") not in ("NONE", "START", "END"):
                problem = "truncate: invalid value"
            if problem:
                stats.add("invalid")
                self.error(number, 400, "ValidationException", "Malformed input request: " + problem)
                return
            dimension = COHERE_DIMENSIONS[model]
            vectors = "[" + ",".join(vector_json(t, dimension, options.seed, input_type) for t in texts) + "]"
            stats.add("texts", len(texts))
            stats.add("ok")
            head = '{"id":"r%d","texts":%s,' % (number, json.dumps(texts))
            if number % 2 or request.get("embedding_types"):
                self.reply_text(200, head + '"embeddings":{"float":' + vectors + '},"response_type":"embeddings_by_type"}')
            else:
                self.reply_text(200, head + '"embeddings":' + vectors + ',"response_type":"embeddings_floats"}')

        def titan(self, number, request):
            text = request.get("inputText")
            dimension = request.get("dimensions", 1024)
            if not isinstance(text, str) or not text or len(text) > 50000 or dimension not in (256, 512, 1024):
                stats.add("invalid")
                self.error(number, 400, "ValidationException", "Malformed input request")
                return
            stats.add("texts")
            stats.add("ok")
            self.reply_text(200, '{"embedding":%s,"inputTextTokenCount":%d}'
                            % (vector_json(text, dimension, options.seed), max(1, len(text) // 4)))

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--throttle-every", type=int, default=0)
    parser.add_argument("--throttle-first", type=int, default=0)
    parser.add_argument("--fail-after", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--credentials")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    stats = Stats()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), make_handler(options, stats))
    server.daemon_threads = True
    local_server.serve(server, options.port_file)


if __name__ == "__main__":
    main()
