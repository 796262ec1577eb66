#!/usr/bin/env python3
"""An OpenAI-compatible embeddings test server (POST /v1/embeddings), in the
manner of Ollama, llama.cpp's server, vLLM or TEI.  Standard library only.

Options:
  --port N / --port-file FILE   listen on 127.0.0.1 (a free port written to FILE)
  --model NAME                  the only model it knows (default test-embed)
  --dimension D                 vector length unless "dimensions" is asked (default 384)
  --api-key KEY                 require "Authorization: Bearer KEY"
  --max-inputs N                refuse more texts per request (default 2048)
  --throttle-every K            answer every K-th request with 429
  --latency-ms MS               sleep before answering

Vectors are deterministic (SHA-256 of the text).  Items come back in
reverse order, so a client must place them by "index".  Error bodies
alternate between {"error": {"message": ...}} (OpenAI, vLLM) and
{"error": "..."} (Ollama).  GET /__stats returns the counters.
"""
import argparse
import hashlib
import json
import struct
import sys
import threading
import time
from http.server import ThreadingHTTPServer

import local_server  # beside this file


def vector(text, dimension):
    out = []
    counter = 0
    while len(out) < dimension:
        digest = hashlib.sha256(text.encode("utf-8") + struct.pack(">I", counter)).digest()
        for i in range(0, 32, 4):
            out.append(struct.unpack(">I", digest[i:i + 4])[0] / 4294967296.0 - 0.5)
        counter += 1
    out = out[:dimension]
    norm = sum(x * x for x in out) ** 0.5
    return [x / norm for x in out]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--model", default="test-embed")
    parser.add_argument("--dimension", type=int, default=384)
    parser.add_argument("--api-key")
    parser.add_argument("--max-inputs", type=int, default=2048)
    parser.add_argument("--throttle-every", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0)
    options = parser.parse_args()
    lock = threading.Lock()
    stats = {"requests": 0, "ok": 0, "throttled": 0, "unauthorized": 0, "invalid": 0, "texts": 0}

    class Handler(local_server.QuietHandler):
        def reply(self, status, payload, extra=None):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def error(self, number, status, message, extra=None):
            body = {"error": {"message": message, "type": "invalid_request_error"}} if number % 2 else {"error": message}
            self.reply(status, body, extra)

        def do_GET(self):
            if self.path == "/__stats":
                with lock:
                    self.reply(200, dict(stats))
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                stats["requests"] += 1
                number = stats["requests"]
            if options.latency_ms:
                time.sleep(options.latency_ms / 1000.0)
            if self.path != "/v1/embeddings":
                self.reply(404, {"error": "unknown path " + self.path})
                return
            if options.api_key and self.headers.get("Authorization") != "Bearer " + options.api_key:
                with lock:
                    stats["unauthorized"] += 1
                self.error(number, 401, "Incorrect API key provided")
                return
            if options.throttle_every and number % options.throttle_every == 0:
                with lock:
                    stats["throttled"] += 1
                self.error(number, 429, "Rate limit reached, slow down", {"Retry-After": "0"})
                return
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            texts = request.get("input") if isinstance(request, dict) else None
            if isinstance(texts, str):
                texts = [texts]
            if not isinstance(texts, list) or not texts or len(texts) > options.max_inputs or \
               any(not isinstance(t, str) for t in texts):
                with lock:
                    stats["invalid"] += 1
                self.error(number, 400, "'input' must be a list of 1 to %d strings" % options.max_inputs)
                return
            if request.get("model") != options.model:
                with lock:
                    stats["invalid"] += 1
                self.error(number, 404, "model '%s' not found, try pulling it first" % request.get("model"))
                return
            dimension = request.get("dimensions") or options.dimension
            data = [{"object": "embedding", "index": i, "embedding": vector(t, dimension)}
                    for i, t in enumerate(texts)]
            data.reverse()
            tokens = sum(max(1, len(t) // 4) for t in texts)
            with lock:
                stats["ok"] += 1
                stats["texts"] += len(texts)
            self.reply(200, {"object": "list", "data": data, "model": options.model,
                             "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    local_server.serve(server, options.port_file)


if __name__ == "__main__":
    main()
