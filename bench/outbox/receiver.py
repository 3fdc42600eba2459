#!/usr/bin/env python3
"""A webhook receiver for the benchmark: answers every POST 204 at once, counts them, and
prints the count when stopped (SIGTERM). Usage: receiver.py PORT COUNT_FILE."""

import http.server
import signal
import sys
import threading

count = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            count += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    port, count_file = int(sys.argv[1]), sys.argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def stop(*_):
        with open(count_file, "w") as out:
            out.write(f"{count}\n")
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()


if __name__ == "__main__":
    main()
