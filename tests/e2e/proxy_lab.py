#!/usr/bin/env python3
"""Helpers for t_proxy.sh: the lab's servers, and small clients that run
inside the sandbox and speak to cordon's proxy.

  proxy_lab.py servers             HTTP on :80, echo on :7, an SSH banner on :22
  proxy_lab.py dns TABLE LOG       DNS on 127.0.0.1:53 from TABLE ("name addr[,addr]"
                                   lines; "a|b" answers a the first time, b after)
  proxy_lab.py connect HOST PORT   CONNECT through $HTTP_PROXY, send "ping", print the echo
  proxy_lab.py socks HOST PORT     SOCKS5 CONNECT through $CORDON_SOCKS_PORT: print the reply code
  proxy_lab.py raw FILE            send FILE's bytes to the HTTP proxy, print the status line
  proxy_lab.py slow                send a request head one byte a second; print what comes back
  proxy_lab.py many N HOST PORT    N concurrent CONNECTs with an echo each; print "ok N"
  proxy_lab.py udp HOST PORT       send one datagram directly; print "sent" or the error
  proxy_lab.py udp-socks HOST PORT MSG...
                                   SOCKS5 UDP ASSOCIATE through $CORDON_SOCKS_PORT, then one
                                   datagram per MSG to HOST:PORT: print "from ADDR:PORT REPLY"
                                   or "timeout" for each ("refused CODE" when not associated)
  proxy_lab.py tcp HOST PORT       connect directly; print "connected" or the error
"""
import os
import socket
import struct
import sys
import threading
import time


def serve_forever(sock, handler):
    while True:
        c, _ = sock.accept()
        threading.Thread(target=handler, args=(c,), daemon=True).start()


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1024)
    return s


def http_handler(c):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            d = c.recv(65536)
            if not d:
                return
            data += d
        lines = data.split(b"\r\n")
        host = b""
        for h in lines[1:]:
            if h.lower().startswith(b"host:"):
                host = h[5:].strip()
        body = b"hello from %s path=%s host=%s\n" % (
            c.getsockname()[0].encode(), lines[0].split(b" ")[1], host)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                  % (len(body), body))
    except OSError:
        pass
    finally:
        c.close()


def echo_handler(c):
    try:
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
    except OSError:
        pass
    finally:
        c.close()


def ssh_handler(c):
    try:
        c.sendall(b"SSH-2.0-cordonlab\r\n")
        c.settimeout(5)
        c.recv(4096)
    except OSError:
        pass
    finally:
        c.close()


def udp_echo():
    """UDP :7 answers "echo DATA". For DATA "spoof" it first answers from
    another port, which a relay must not pass on (nobody sent there)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 7))
    other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    while True:
        d, peer = s.recvfrom(65536)
        if d == b"spoof":
            other.sendto(b"from another port", peer)
            time.sleep(0.2)
        s.sendto(b"echo " + d, peer)


def servers():
    for port, h in ((80, http_handler), (7, echo_handler), (22, ssh_handler)):
        threading.Thread(target=serve_forever, args=(listener(port), h), daemon=True).start()
    threading.Thread(target=udp_echo, daemon=True).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def dns(table_file, log_file):
    table = {}
    for line in open(table_file):
        if line.strip():
            name, addrs = line.split()
            table[name.lower()] = [a.split(",") for a in addrs.split("|")]
    seen = {}
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 53))
    log = open(log_file, "a", buffering=1)
    print("ready", flush=True)
    while True:
        q, peer = s.recvfrom(4096)
        qid, flags, qd = struct.unpack("!HHH", q[:6])
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode())
            i += 1 + q[i]
        qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
        question = q[12:i + 5]
        name = ".".join(labels).lower()
        log.write("%s %d\n" % (name, qtype))
        answers = []
        rcode = 3
        if name in table:
            rcode = 0
            if qtype == 1:
                n = seen.get(name, 0)
                seen[name] = n + 1
                step = table[name][min(n, len(table[name]) - 1)]
                answers = [socket.inet_aton(a) for a in step]
        resp = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, len(answers), 0, 0) + question
        for a in answers:
            resp += struct.pack("!HHHIH", 0xC00C, 1, 1, 0, 4) + a
        s.sendto(resp, peer)


def proxy_addr(var):
    return ("127.0.0.1", int(os.environ[var]))


def connect(host, port):
    s = socket.create_connection(proxy_addr("CORDON_HTTP_PROXY_PORT"), timeout=20)
    s.sendall(b"CONNECT %s:%s HTTP/1.1\r\nHost: %s:%s\r\n\r\n" % ((host.encode(), port.encode()) * 2))
    resp = b""
    while b"\r\n\r\n" not in resp:
        d = s.recv(4096)
        if not d:
            break
        resp += d
    status = resp.split(b"\r\n")[0].decode()
    if " 200 " not in status:
        print(status)
        return
    s.sendall(b"ping")
    print(s.recv(4).decode())


def socks(host, port):
    s = socket.create_connection(proxy_addr("CORDON_SOCKS_PORT"), timeout=20)
    s.sendall(b"\x05\x01\x00")
    assert s.recv(2) == b"\x05\x00"
    s.sendall(b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode() + struct.pack("!H", int(port)))
    rep = s.recv(10)
    print(rep[1])


def udp_socks(host, port, *msgs):
    c = socket.create_connection(proxy_addr("CORDON_SOCKS_PORT"), timeout=20)
    c.sendall(b"\x05\x01\x00")
    assert c.recv(2) == b"\x05\x00"
    c.sendall(b"\x05\x03\x00\x01\x00\x00\x00\x00\x00\x00")
    rep = c.recv(10)
    if len(rep) < 10 or rep[1] != 0:
        print("refused", rep[1] if len(rep) > 1 else "eof")
        return
    relay = (socket.inet_ntoa(rep[4:8]), struct.unpack("!H", rep[8:10])[0])
    try:
        socket.inet_aton(host)
        dst = b"\x01" + socket.inet_aton(host)
    except OSError:
        dst = b"\x03" + bytes([len(host)]) + host.encode()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    for m in msgs:
        u.sendto(b"\x00\x00\x00" + dst + struct.pack("!H", int(port)) + m.encode(), relay)
        try:
            d = u.recv(65536)
        except socket.timeout:
            print("timeout", flush=True)
            continue
        assert d[:4] == b"\x00\x00\x00\x01", d
        print("from %s:%d %s" % (socket.inet_ntoa(d[4:8]), struct.unpack("!H", d[8:10])[0],
                                 d[10:].decode()), flush=True)


def raw(path):
    s = socket.create_connection(proxy_addr("CORDON_HTTP_PROXY_PORT"), timeout=40)
    s.sendall(open(path, "rb").read())
    resp = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            resp += d
    except ConnectionResetError:
        pass
    print(resp.split(b"\r\n")[0].decode())


def slow():
    s = socket.create_connection(proxy_addr("CORDON_HTTP_PROXY_PORT"), timeout=60)
    start = time.time()
    try:
        for b in b"GET http://web.lab.test/ HTTP/1.1\r\nX: " + b"a" * 100:
            s.sendall(bytes([b]))
            time.sleep(1)
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.settimeout(60)
    resp = s.recv(4096)
    print(resp.split(b"\r\n")[0].decode(), int(time.time() - start))


def many(n, host, port):
    n = int(n)
    socks_ = []
    for _ in range(n):
        s = socket.create_connection(proxy_addr("CORDON_HTTP_PROXY_PORT"), timeout=60)
        s.sendall(b"CONNECT %s:%s HTTP/1.1\r\n\r\n" % (host.encode(), port.encode()))
        socks_.append(s)
    ok = 0
    for i, s in enumerate(socks_):
        resp = b""
        while b"\r\n\r\n" not in resp:
            d = s.recv(4096)
            if not d:
                break
            resp += d
        if b" 200 " in resp.split(b"\r\n")[0]:
            s.sendall(b"%08d" % i)
    print("open %d" % len(socks_), flush=True)
    # All are open at once here; the caller counts the proxy's descriptors.
    if os.environ.get("LAB_HOLD"):
        open(os.environ["LAB_HOLD"], "w").write("held\n")
        time.sleep(2)
    for i, s in enumerate(socks_):
        got = b""
        while len(got) < 8:
            d = s.recv(8 - len(got))
            if not d:
                break
            got += d
        ok += got == b"%08d" % i
        s.close()
    print("ok %d" % ok)


def direct(kind, host, port):
    try:
        if kind == "udp":
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.sendto(b"x", (host, int(port)))
            print("sent")
        else:
            socket.create_connection((host, int(port)), timeout=5)
            print("connected")
    except OSError as e:
        print("error", e.errno)


cmd, args = sys.argv[1], sys.argv[2:]
if cmd in ("udp", "tcp"):
    direct(cmd, *args)
else:
    {"servers": servers, "dns": dns, "connect": connect, "socks": socks, "raw": raw,
     "slow": slow, "many": many, "udp-socks": udp_socks}[cmd](*args)
