#!/usr/bin/env python3
"""A static HTTPS file server for the channel-download tests.

Serves files under ROOT on 127.0.0.1 with the given certificate.  Faults,
to check that a broken download fails the run cleanly:
  --fail-first N   answer the first N requests with 503 (then serve)
  --truncate N     send only the first N bytes of a file, then close
Writes the port it listens on to --port-file once it is ready.
"""
import argparse
import http.server
import os
import ssl
import sys
import threading

import local_server  # beside this file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--truncate", type=int, default=-1)
    args = parser.parse_args()

    lock = threading.Lock()
    state = {"requests": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("https-file-server: " + (fmt % a) + "\n")

        def do_GET(self):
            with lock:
                state["requests"] += 1
                n = state["requests"]
            if n <= args.fail_first:
                body = b"temporarily unavailable\n"
                self.send_response(503)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(body)
                return
            path = os.path.normpath(os.path.join(args.root, self.path.lstrip("/").split("?")[0]))
            if not path.startswith(os.path.abspath(args.root)) or not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as f:
                data = f.read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            if args.truncate >= 0:
                self.wfile.write(data[: args.truncate])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    local_server.serve(server, args.port_file)


if __name__ == "__main__":
    main()
