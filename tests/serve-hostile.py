#!/usr/bin/env python3
"""Hostile HTTP clients against fdnix-search --serve (run by
test-serve-hostile.sh): each case sends raw bytes on its own socket and
expects a 4xx answer or the connection dropped within a bound, and after
every case a plain search must still be answered.  Slow clients
(slowloris: headers one byte at a time, an idle connection, a body that
never comes) run while plain searches are timed.

Usage: serve-hostile.py PORT REQUEST_TIMEOUT_SECONDS
"""
import socket
import sys
import threading
import time

PORT = int(sys.argv[1])
TIMEOUT = float(sys.argv[2])
failures = []


def connect():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT + 5)
    return s


def exchange(raw, limit=TIMEOUT + 5):
    """Sends raw; returns (status or None, seconds until answered or dropped)."""
    start = time.monotonic()
    s = connect()
    s.settimeout(limit)
    try:
        s.sendall(raw)
    except OSError:
        pass  # the server may close before all is sent
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "hung", time.monotonic() - start
    except OSError:
        pass
    finally:
        s.close()
    elapsed = time.monotonic() - start
    if not data.startswith(b"HTTP/1."):
        return None, elapsed
    return int(data.split(b" ")[1]), elapsed


def plain_search():
    status, elapsed = exchange(b"GET /v1/search?q=rg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5)
    return status, elapsed


def expect(name, raw, allowed=(400, 404, 405, 413, 414, 431), dropped_ok=True):
    status, elapsed = exchange(raw)
    ok = (status in allowed) or (status is None and dropped_ok)
    print(f"{name}: {status if status is not None else 'dropped'} in {elapsed:.2f} s")
    if not ok:
        failures.append(f"{name}: got {status}")
    after, _ = plain_search()
    if after != 200:
        failures.append(f"after {name}: a plain search got {after}")


def req(target, extra=b""):
    return b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + b"\r\n"


# --- oversized and malformed requests
expect("query string of 100 KB", req(b"/v1/search?q=" + b"a" * 100_000))
expect("query string of 8 KB", req(b"/v1/search?q=" + b"a" * 8_000))
expect("q of 300 bytes", req(b"/v1/search?q=" + b"a" * 300), allowed=(400,), dropped_ok=False)
expect("a header of 1 MB", req(b"/v1/search?q=rg", b"X-Big: " + b"b" * 1_000_000 + b"\r\n"))
expect("10000 headers", req(b"/v1/search?q=rg", b"".join(b"X-%d: y\r\n" % i for i in range(10_000))))
expect("bad UTF-8, encoded", req(b"/v1/search?q=%ff%fe%fd"), allowed=(400,), dropped_ok=False)
expect("bad UTF-8, raw bytes", req(b"/v1/search?q=\xff\xfe"))
expect("overlong UTF-8", req(b"/v1/search?q=%c0%af"), allowed=(400,), dropped_ok=False)
expect("bad percent-encoding", req(b"/v1/search?q=%zz"))
expect("a lone percent", req(b"/v1/search?q=100%"))
expect("NUL", req(b"/v1/search?q=a%00b"), allowed=(400,), dropped_ok=False)
expect("huge limit", req(b"/v1/search?q=rg&limit=99999999999999999999"), allowed=(400,), dropped_ok=False)
expect("huge offset", req(b"/v1/search?q=rg&offset=4294967297"), allowed=(400,), dropped_ok=False)
expect("negative limit", req(b"/v1/search?q=rg&limit=-5"), allowed=(400,), dropped_ok=False)
expect("unknown route", req(b"/admin"), allowed=(404,), dropped_ok=False)
expect("path traversal", req(b"/static/../../etc/passwd"), allowed=(400, 404))
expect("encoded traversal", req(b"/static/%2e%2e/%2e%2e/etc/passwd"), allowed=(400, 404))
expect("absolute URI to elsewhere", req(b"http://example.org/v1/search?q=rg"), allowed=(200, 400, 404))
expect("unknown method", b"BREW /v1/search?q=rg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
       allowed=(400, 405, 501))
expect("POST without a body", b"POST /v1/search?q=rg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
       allowed=(405,), dropped_ok=False)
# a body is never read: the connection goes at once, not at the timeout
for name, raw in (("POST with a 10 GB body promised",
                   b"POST /v1/search?q=rg HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\nabc"),
                  ("GET with a body", req(b"/v1/search?q=rg", b"Content-Length: 5\r\n") + b"hello"),
                  ("chunked GET", req(b"/v1/search?q=rg", b"Transfer-Encoding: chunked\r\n") + b"ffffffff\r\n")):
    status, elapsed = exchange(raw)
    print(f"{name}: {status if status is not None else 'dropped'} in {elapsed:.2f} s")
    if status not in (None, 400, 405, 413) or elapsed > TIMEOUT / 2:
        failures.append(f"{name}: {status} after {elapsed:.2f} s")
expect("garbage", b"\x00\x01\x02 not http at all\r\n\r\n")
expect("HTTP/0.9", b"GET /v1/search?q=rg\r\n")
expect("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", allowed=(400, 505))

# --- slow clients: held no longer than the timeout (+ slack), and the
# server keeps answering others meanwhile
SLOW = 24
results = {}


def slowloris(i):
    start = time.monotonic()
    s = connect()
    s.settimeout(1)
    head = b"GET /v1/search?q=rg HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"z" * 1000
    closed_at = None
    for b in head:
        try:
            s.send(bytes([b]))
            data = s.recv(1)
            if data == b"" or data:
                closed_at = time.monotonic() - start
                break
        except socket.timeout:
            pass
        except OSError:
            closed_at = time.monotonic() - start
            break
        if time.monotonic() - start > TIMEOUT * 3 + 10:
            break
    s.close()
    results[i] = closed_at


def idle(i):
    start = time.monotonic()
    s = connect()
    s.settimeout(TIMEOUT * 3 + 10)
    try:
        data = s.recv(1)
        results[i] = time.monotonic() - start
    except OSError:
        results[i] = time.monotonic() - start if False else None
    s.close()


def body_never_comes(i):
    start = time.monotonic()
    s = connect()
    s.settimeout(TIMEOUT * 3 + 10)
    s.sendall(b"GET /v1/search?q=rg HTTP/1.1\r\nHost: x\r\nX-Partial: yes\r\n")  # no blank line
    try:
        s.recv(1)
        results[i] = time.monotonic() - start
    except OSError:
        results[i] = None
    s.close()


threads = []
for i in range(SLOW):
    fn = (slowloris, idle, body_never_comes)[i % 3]
    t = threading.Thread(target=fn, args=(i,))
    t.start()
    threads.append(t)
time.sleep(0.5)
worst = 0.0
for _ in range(10):
    status, elapsed = plain_search()
    worst = max(worst, elapsed)
    if status != 200:
        failures.append(f"during the slow clients: a plain search got {status}")
    time.sleep(0.1)
print(f"during {SLOW} slow clients: 10 plain searches, the slowest in {worst:.3f} s")
if worst > 1.0:
    failures.append(f"a plain search took {worst:.2f} s during the slow clients")
for t in threads:
    t.join()
bound = TIMEOUT + 2
for i in range(SLOW):
    kind = ("slowloris", "idle", "no end of headers")[i % 3]
    held = results.get(i)
    if held is None or held > bound:
        failures.append(f"{kind} client {i}: held {held} s, more than {bound} s")
print(f"slow clients dropped after at most {max(v or 99 for v in results.values()):.2f} s (bound {bound} s)")

status, _ = plain_search()
if status != 200:
    failures.append(f"at the end: a plain search got {status}")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
