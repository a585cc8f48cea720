#!/usr/bin/env python3
"""Connection set-up latency for bench/proxy.sh: N sequential connections to
the stream server at 127.0.0.1:PORT, each sending one small request and
reading the answer to the end. MODE is "direct", "connect" (an HTTP CONNECT
through 127.0.0.1:$CORDON_HTTP_PROXY_PORT) or "socks" (SOCKS5 through
$CORDON_SOCKS_PORT). Prints the median and the 90th percentile in ms."""
import os
import socket
import statistics
import struct
import sys
import time

mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
REQ = b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_until(s, marker):
    buf = b""
    while marker not in buf:
        d = s.recv(4096)
        if not d:
            raise OSError("closed early")
        buf += d
    return buf


def one():
    t0 = time.perf_counter()
    if mode == "direct":
        s = socket.create_connection(("127.0.0.1", port))
    elif mode == "connect":
        s = socket.create_connection(("127.0.0.1", int(os.environ["CORDON_HTTP_PROXY_PORT"])))
        s.sendall(b"CONNECT 127.0.0.1:%d HTTP/1.1\r\n\r\n" % port)
        read_until(s, b"\r\n\r\n")
    else:
        s = socket.create_connection(("127.0.0.1", int(os.environ["CORDON_SOCKS_PORT"])))
        s.sendall(b"\x05\x01\x00")
        s.recv(2)
        s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", port))
        s.recv(10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(REQ)
    while s.recv(4096):
        pass
    s.close()
    return (time.perf_counter() - t0) * 1000


for _ in range(20):  # warm-up
    one()
times = sorted(one() for _ in range(n))
print("%.3f %.3f" % (statistics.median(times), times[int(len(times) * 0.9)]))
