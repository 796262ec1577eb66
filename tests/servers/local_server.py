"""local_server.py: how the project's own test servers announce and run.

The harness (tests/lib.sh) starts a server on port 0 and waits for the
port file; it is written whole (a rename), so no half-written number is read.
"""
import collections
import http.client
import os
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler


def serve(server, port_file=None):
    """Write the port the server was given to port_file, then serve until interrupted."""
    if port_file:
        tmp = port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % server.server_address[1])
        os.replace(tmp, port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


# Headers that belong to one connection, not to the request a proxy passes on.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                        "te", "trailers", "transfer-encoding", "upgrade"})


class QuietHandler(BaseHTTPRequestHandler):
    """A keep-alive request handler that logs nothing and sends small replies at once."""
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # headers and body go out in two writes: without this, Nagle's
        # algorithm holds the body until the client's delayed ACK (40 ms)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_all(self, status, data, headers=(), length=None):
        """Send status, headers, Content-Length (length, or that of data) and,
        unless the request was a HEAD, the body."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


UpstreamReply = collections.namedtuple("UpstreamReply", "status headers data length")


class Upstream:
    """The server a test proxy passes requests on to: one keep-alive
    connection per handler thread, reopened once when the server has closed
    an idle one."""

    def __init__(self, url, timeout=120):
        self.url = urllib.parse.urlsplit(url)
        self.timeout = timeout
        self.local = threading.local()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self.url.scheme == "https" else http.client.HTTPConnection
            conn = self.local.conn = cls(self.url.hostname, self.url.port, timeout=self.timeout)
        return conn

    def reset(self):
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
        self.local.conn = None

    def forward(self, method, path, headers, body):
        """Send one request on; the reply's headers leave out the hop-by-hop
        ones and Content-Length (its value is in .length: for a HEAD, the
        length of the object, not of the empty answer)."""
        out = {k: v for k, v in headers.items()
               if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"}
        out["Content-Length"] = str(len(body))
        for attempt in (1, 2):
            conn = self.connection()
            try:
                conn.request(method, path, body=body, headers=out)
                resp = conn.getresponse()
                data = resp.read()
                kept = [(k, v) for k, v in resp.getheaders()
                        if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
                return UpstreamReply(resp.status, kept, data, resp.getheader("Content-Length"))
            except (http.client.HTTPException, OSError):
                self.reset()
                if attempt == 2:
                    raise
