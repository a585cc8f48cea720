#!/usr/bin/env python3
"""A loopback HTTP server for bench/proxy.sh: GET /N sends N bytes (zeros) as
fast as the socket takes them; any other request gets a one-line answer.
Prints its port on stdout, then serves until killed."""
import socket
import sys
import threading

CHUNK = memoryview(bytes(1 << 20))


def serve(conn):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            data = conn.recv(65536)
            if not data:
                return
            head += data
        target = head.split(b" ", 2)[1]
        path = target.rsplit(b"/", 1)[-1]
        n = int(path) if path.isdigit() else 3
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % n)
        if not path.isdigit():
            conn.sendall(b"ok\n")
            return
        while n > 0:
            k = min(n, len(CHUNK))
            conn.sendall(CHUNK[:k])
            n -= k
    except OSError:
        pass
    finally:
        conn.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1", 0))
    s.listen(1024)
    print(s.getsockname()[1], flush=True)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


main()
