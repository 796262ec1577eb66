"""local_server.py: how the project's own test servers announce and run.

The harness (tests/lib.sh) starts a server on port 0 and waits for the
port file; it is written whole (a rename), so no half-written number is read.
"""
import os


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
