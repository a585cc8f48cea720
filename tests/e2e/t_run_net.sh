# cordon run: with the network off nothing outside the sandbox is reachable.

# Starts a TCP listener on 127.0.0.1; its port is in $PORT afterwards.
start_tcp_listener() {
	python3 - "$T/port" >/dev/null 2>&1 <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(20)
try:
    while True:
        c, _ = s.accept()
        c.sendall(b"HELLO\n")
        c.close()
except Exception:
    pass
PY
	for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
	PORT=$(cat "$T/port")
}

test_run_network_off_blocks_tcp_to_host_loopback() {
	make_ws
	start_tcp_listener
	port=$PORT
	# The listener is reachable from outside...
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).recv(5)"
	# ...and not from inside, whatever the tool.
	crun -C "$WS" -- curl -s -m 3 "http://127.0.0.1:$port/" && fail "curl connected"
	crun -C "$WS" -- wget -q --tries=1 -T 3 -O- "http://127.0.0.1:$port/" && fail "wget connected"
	crun -C "$WS" -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && fail "bash /dev/tcp connected"
	out=$(crun -C "$WS" -- python3 -c '
import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    print("created")
except PermissionError:
    print("EPERM")')
	expect_eq EPERM "$out"
	true
}

test_run_network_off_blocks_udp_and_dns() {
	make_ws
	out=$(crun -C "$WS" -- python3 -c '
import socket
for fam in (socket.AF_INET, socket.AF_INET6):
    try:
        socket.socket(fam, socket.SOCK_DGRAM)
        print("created")
    except PermissionError:
        print("EPERM")')
	expect_eq "EPERM
EPERM" "$out"
	crun -C "$WS" -- getent ahosts example.com && fail "DNS resolved with the network off"
	true
}

test_run_network_off_env_and_unix_sockets_work() {
	make_ws
	out=$(crun -C "$WS" -- sh -c 'echo "$CORDON_SANDBOX $CORDON_SANDBOX_NETWORK_DISABLED"')
	expect_eq "1 1" "$out"
	out=$(crun -C "$WS" -- python3 -c '
import socket, os
a, b = socket.socketpair()
a.sendall(b"pair"); print(b.recv(4).decode())
s = socket.socket(socket.AF_UNIX)
s.bind("sock"); s.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect("sock")
conn, _ = s.accept(); c.sendall(b"unix"); print(conn.recv(4).decode())')
	expect_eq "pair
unix" "$out"
}

# A host daemon's socket in a place the profile leaves visible.
start_unix_listener() { # path
	python3 - "$1" >/dev/null 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
s.settimeout(20)
try:
    while True:
        c, _ = s.accept(); c.sendall(b"DAEMON\n"); c.close()
except Exception:
    pass
PY
	for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}

connect_unix_py='
import socket, sys
try:
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(7).decode().strip())
except OSError as e:
    print("refused:", e.errno)'

test_run_host_daemon_sockets_unreachable() {
	make_ws
	d=$(mktemp -d /tmp/cordon-e2e-daemon.XXXXXX)
	start_unix_listener "$d/agent.sock"
	expect_eq DAEMON "$(python3 -c "$connect_unix_py" "$d/agent.sock")"
	for net in off on; do
		out=$(crun --network $net -C "$WS" -- python3 -c "$connect_unix_py" "$d/agent.sock")
		case "$out" in DAEMON) fail "reached the host socket with network $net" ;; esac
		out=$(SSH_AUTH_SOCK=$d/agent.sock crun --network $net -C "$WS" -- \
			python3 -c "$connect_unix_py" "$d/agent.sock")
		case "$out" in DAEMON) fail "reached \$SSH_AUTH_SOCK with network $net" ;; esac
	done
	rm -rf "$d"
}

test_run_x11_and_runtime_dir_hidden() {
	make_ws
	out=$(crun -C "$WS" -- sh -c 'ls -A /tmp/.X11-unix /run/user 2>/dev/null | grep -v : | grep -v "^$" || true')
	expect_eq "" "$out"
}

test_run_abstract_socket_of_host_unreachable() {
	make_ws
	python3 - >/dev/null 2>&1 <<'PY' &
import socket
s = socket.socket(socket.AF_UNIX)
s.bind("\0cordon-e2e-abstract")
s.listen(1)
s.settimeout(8)
try:
    c, _ = s.accept(); c.sendall(b"DAEMON\n")
except Exception:
    pass
PY
	sleep 0.5
	out=$(crun -C "$WS" -- python3 -c '
import socket
try:
    s = socket.socket(socket.AF_UNIX); s.connect("\0cordon-e2e-abstract"); print("CONNECTED")
except OSError as e:
    print("refused")')
	expect_eq refused "$out"
	kill %1 2>/dev/null || true
}

test_run_network_on_reaches_host_loopback() {
	make_ws
	start_tcp_listener
	port=$PORT
	out=$(crun --network on -C "$WS" -- python3 -c "import socket; print(socket.create_connection(('127.0.0.1', $port)).recv(5).decode())")
	expect_eq HELLO "$out"
}

test_run_seccomp_blocks_io_uring_ptrace_vsock() {
	make_ws
	out=$(crun -C "$WS" -- python3 -c '
import ctypes, errno, socket
libc = ctypes.CDLL(None, use_errno=True)
def err(nr, *a):
    r = libc.syscall(nr, *a)
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
print(err(425, 8, ctypes.create_string_buffer(120)))   # io_uring_setup
print(err(101, 0, 0, 0, 0))                            # ptrace(PTRACE_TRACEME)
print(err(310, 1, 0, 0, 1, 0, 0))                      # process_vm_readv
try:
    socket.socket(40, socket.SOCK_STREAM); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])')
	expect_eq "EPERM
EPERM
EPERM
EPERM" "$out"
}

test_run_socket_scan_cache_sees_new_sockets() {
	make_ws
	d=$(mktemp -d /tmp/cordon-e2e-cache.XXXXXX)
	# Old enough to be cached by the next run...
	touch -d '1 minute ago' "$d"
	sleep 3
	crun -C "$WS" -- true
	# ...then a daemon starts and puts its socket there.
	start_unix_listener "$d/late.sock"
	out=$(crun -C "$WS" -- python3 -c "$connect_unix_py" "$d/late.sock")
	case "$out" in DAEMON) fail "reached a socket created after the scan was cached" ;; esac
	cordon explain --no-user-config -C "$WS" | grep -q "$d/late.sock" || fail "explain does not list it"
	rm -rf "$d"
}
