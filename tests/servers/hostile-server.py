#!/usr/bin/env python3
"""A hostile HTTP(S) server for the "trust nothing from a server" tests.

Every request (GET, POST, PUT, HEAD) gets the answer of --mode, except
GET /__stats, which returns {"requests": N} (requests seen, /__stats not
counted).  Standard library only.

Modes:
  deep-error   --status (500) with a JSON error body nested --depth (200000) deep
  retry-after  429 with Retry-After: --retry-after (3600)
  fail         --status (500) with {"error":{"message":"backend exploded (request N)"}}
  html         200 text/html page
  empty        200 with an empty body
  not-array    200 {"object":"list","data":{"embedding":[1]}}
  error-200    200 {"error":{"message":"model overloaded"}}
  huge         --status (200) and a body of --size bytes (300 MiB), sent fast
  drip         200, a large Content-Length, then one byte every --interval s (1)
  stall        200 headers, then nothing until the client goes away
  s3-echo      403 S3 XML error whose message quotes the request's
               Authorization header and its X-Amz-Security-Token header
               URL-encoded (as a presigned query would carry it)

  --cert/--key serve HTTPS (channel tests); --port/--port-file as the other
  servers (local_server.serve).
"""
import argparse
import json
import re
import ssl
import threading
import time
import urllib.parse
from http.server import ThreadingHTTPServer

import local_server  # beside this file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--status", type=int)
    parser.add_argument("--depth", type=int, default=200000)
    parser.add_argument("--retry-after", default="3600")
    parser.add_argument("--size", type=int, default=300 * 1024 * 1024)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    options = parser.parse_args()
    lock = threading.Lock()
    stats = {"requests": 0}

    class Handler(local_server.QuietHandler):
        def send(self, status, body, content_type="application/json", extra=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def answer(self):
            if self.path == "/__stats":
                self.send(200, json.dumps(stats).encode())
                return
            length = int(self.headers.get("Content-Length", "0") or "0")
            if length:
                self.rfile.read(length)
            with lock:
                stats["requests"] += 1
                number = stats["requests"]
            mode = options.mode
            try:
                if mode == "deep-error":
                    depth = options.depth
                    body = b'{"error":{"message":' + b"[" * depth + b"]" * depth + b"}}"
                    self.send(options.status or 500, body)
                elif mode == "retry-after":
                    self.send(429, b'{"error":{"message":"rate limited, come back in an hour"}}',
                              extra={"Retry-After": options.retry_after})
                elif mode == "fail":
                    message = "backend exploded (request %d)" % number
                    self.send(options.status or 500, json.dumps({"error": {"message": message}}).encode())
                elif mode == "html":
                    self.send(200, b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>\n",
                              "text/html")
                elif mode == "empty":
                    self.send(200, b"")
                elif mode == "not-array":
                    self.send(200, b'{"object":"list","data":{"embedding":[1]}}')
                elif mode == "error-200":
                    self.send(200, b'{"error":{"message":"model overloaded"}}')
                elif mode == "huge":
                    self.send_response(options.status or 200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(options.size))
                    self.end_headers()
                    chunk = b'{"data":[' + b"0" * (1024 * 1024 - 9)
                    sent = 0
                    while sent < options.size:
                        piece = chunk[: min(len(chunk), options.size - sent)]
                        self.wfile.write(piece)
                        sent += len(piece)
                        chunk = b"0" * (1024 * 1024)
                elif mode == "drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    self.wfile.flush()
                    for _ in range(1000000):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(options.interval)
                elif mode == "stall":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    self.wfile.flush()
                    # nothing more; a read notices when the client hangs up
                    self.connection.settimeout(3600)
                    while self.connection.recv(1):
                        pass
                elif mode == "s3-echo":
                    auth = self.headers.get("Authorization", "")
                    raw_token = self.headers.get("X-Amz-Security-Token", "")
                    token = urllib.parse.quote(raw_token, safe="")
                    signature = auth[auth.find("Signature="):] if "Signature=" in auth else ""
                    # short first: an error line quotes 300 characters
                    token_lower = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), token)
                    message = ("Denied: %s token=%s %s; %s; request had Authorization: %s"
                               % (signature, token, token_lower, raw_token, auth))
                    body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                            "<Message>%s</Message><RequestId>HOSTILE</RequestId></Error>" % message).encode()
                    self.send(403, body, "application/xml")
                else:
                    self.send(500, b"unknown --mode")
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = answer

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    if options.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.cert, options.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    local_server.serve(server, options.port_file)


if __name__ == "__main__":
    main()
