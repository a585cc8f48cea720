# cordon run --network proxy, end to end.
#
# Every test runs in a "lab": a private user, network and mount namespace
# (unshare -rnm), which root and an unprivileged user can both make. In it
# a second network namespace is the test host (198.51.100.10 and, for the
# private-address guards, 10.9.0.10), joined by a veth pair; a DNS server
# on the lab's 127.0.0.1:53 answers the *.test names, and the lab's
# /etc/resolv.conf and /etc/hosts point at it. cordon runs in the lab, so
# its proxy's upstream connections, DNS included, never leave it.

LAB_PY=$(command -v /usr/bin/python3 || command -v python3)
lab_ip() { if [ -x /usr/sbin/ip ]; then /usr/sbin/ip "$@"; else /sbin/ip "$@"; fi; }
srv() { nsenter -t "$SRV" -n -- "$@"; }

# lab FN: runs the test body FN in a fresh lab.
lab() {
	unshare --user --map-root-user --net --mount --propagation private -- \
		"$here/run.sh" --one "$CORDON" "$1" "$T"
}

wait_ready() { # file
	for _ in $(seq 100); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.05; done
	fail "lab: $1 did not get ready: $(cat "$1" 2>/dev/null)"
}

lab_up() {
	# Inside the lab we are uid 0: cordon's state directory must be our
	# own, not the /tmp/cordon-0 of the real root.
	mkdir -m 0700 -p "$T/run"
	export XDG_RUNTIME_DIR=$T/run
	lab_ip link set lo up
	unshare --net -- sleep 900 &
	SRV=$!
	for _ in $(seq 100); do
		[ "$(readlink /proc/$SRV/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
	lab_ip link add lab0 type veth peer name lab1
	lab_ip link set lab1 netns "$SRV"
	lab_ip addr add 198.51.100.1/24 dev lab0
	lab_ip addr add 10.9.0.1/24 dev lab0
	lab_ip link set lab0 up
	srv "$BASH" -c "$(declare -f lab_ip); lab_ip link set lo up; \
		lab_ip addr add 198.51.100.10/24 dev lab1; lab_ip addr add 10.9.0.10/24 dev lab1; \
		lab_ip link set lab1 up"
	srv "$LAB_PY" "$here/proxy_lab.py" servers >"$T/servers.out" 2>&1 &
	cat >"$T/dns.table" <<-'EOT'
		web.lab.test 198.51.100.10
		echo.lab.test 198.51.100.10
		git.lab.test 198.51.100.10
		denied.lab.test 198.51.100.10
		other.example 198.51.100.10
		once.ask.test 198.51.100.10
		session.ask.test 198.51.100.10
		deny.ask.test 198.51.100.10
		slow.ask.test 198.51.100.10
		intranet.lab.test 10.9.0.10
		meta.lab.test 169.254.169.254
		loop.lab.test 127.0.0.1
		mixed.lab.test 198.51.100.10,10.9.0.10
		rebind.lab.test 198.51.100.10|10.9.0.10
	EOT
	"$LAB_PY" "$here/proxy_lab.py" dns "$T/dns.table" "$T/dns.log" >"$T/dns.out" 2>&1 &
	echo "nameserver 127.0.0.1" >"$T/resolv.conf"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$T/hosts"
	mount --bind "$T/resolv.conf" /etc/resolv.conf
	mount --bind "$T/hosts" /etc/hosts
	wait_ready "$T/servers.out"
	wait_ready "$T/dns.out"
	make_ws
}

# A proxy-mode profile "p": TOML lines on stdin go under its network table.
profile_p() {
	{
		echo '[permissions.p]'
		echo 'extends = ":workspace"'
		echo '[permissions.p.network]'
		echo 'mode = "proxy"'
		cat
	} >"$T/p.toml"
}
prun() { "${RUN[@]}" --config "$T/p.toml" -p p -C "$WS" "$@"; }
# Runs a shell snippet in the sandbox; $LAB is the client helper there.
psh() { # [cordon options...] -- SNIPPET
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	prun "${opts[@]}" -- env LAB="$LAB_PY $here/proxy_lab.py" sh -c "$1"
}

default_rules() {
	profile_p <<-'EOT'
		[permissions.p.network.domains]
		"**.lab.test" = "allow"
		"denied.lab.test" = "deny"
	EOT
}

_proxy_http_connect_socks() {
	lab_up
	default_rules
	out=$(psh -- 'echo "$HTTP_PROXY|$https_proxy|$ALL_PROXY|$NO_PROXY|$npm_config_proxy|$PIP_PROXY"')
	case "$out" in
	http://127.0.0.1:*\|http://127.0.0.1:*\|socks5h://127.0.0.1:*\|localhost,127.0.0.1,::1\|http://*\|http://*) ;;
	*) fail "proxy environment: $out" ;;
	esac
	# Absolute-form HTTP through HTTP_PROXY; the request line decides
	# the destination, a conflicting Host field is replaced.
	expect_eq "hello from 198.51.100.10 path=/x host=web.lab.test" \
		"$(psh -- 'curl -sS -m 10 http://web.lab.test/x')"
	expect_eq "hello from 198.51.100.10 path=/h host=web.lab.test" \
		"$(psh -- 'curl -sS -m 10 -H "Host: denied.lab.test" http://web.lab.test/h')"
	# CONNECT (the way HTTPS goes), to an HTTP server and to a raw echo.
	expect_eq "hello from 198.51.100.10 path=/t host=web.lab.test" \
		"$(psh -- 'curl -sS -m 10 -p http://web.lab.test/t')"
	expect_eq ping "$(psh -- '$LAB connect echo.lab.test 7')"
	# SOCKS5 with the proxy resolving the name (socks5h).
	expect_eq "hello from 198.51.100.10 path=/s host=web.lab.test" \
		"$(psh -- 'curl -sS -m 10 -x "$ALL_PROXY" http://web.lab.test/s')"
	expect_eq 0 "$(psh -- '$LAB socks echo.lab.test 7')"
	# An IPv6 literal, not listed: refused by the rules, not by a crash.
	expect_eq 2 "$(psh -- '$LAB socks ::1 7' 2>/dev/null || true)"
}
test_proxy_http_connect_socks() { lab _proxy_http_connect_socks; }

_proxy_git_ssh_and_cordon_connect() {
	lab_up
	default_rules
	# `cordon connect` relays stdin and stdout through the SOCKS proxy.
	expect_eq "relayed" "$(psh -- "echo relayed | $CORDON connect echo.lab.test 7")"
	case "$(psh -- 'echo "$GIT_SSH_COMMAND"')" in
	"ssh -o 'ProxyCommand=$CORDON connect %h %p'") ;;
	*) fail "GIT_SSH_COMMAND: $(psh -- 'echo "$GIT_SSH_COMMAND"')" ;;
	esac
	# git over ssh: ssh runs the ProxyCommand from GIT_SSH_COMMAND and
	# reaches the lab's SSH banner through the proxy.
	out=$(psh -- 'GIT_SSH_COMMAND="$GIT_SSH_COMMAND -v -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null" git ls-remote ssh://git@git.lab.test/repo 2>&1 || true')
	expect_contains "$out" "remote software version cordonlab"
	# Denied hosts are refused to `cordon connect` too.
	out=$(psh -- "$CORDON connect denied.lab.test 7 </dev/null 2>&1; echo \"rc=\$?\"")
	expect_contains "$out" "connection not allowed by ruleset"
	expect_contains "$out" "rc=1"
}
test_proxy_git_ssh_and_cordon_connect() { lab _proxy_git_ssh_and_cordon_connect; }

_proxy_denied_and_unlisted() {
	lab_up
	default_rules
	out=$(psh --events "$T/events.jsonl" -- 'curl -s -i -m 10 http://denied.lab.test/; \
		curl -s -i -m 10 http://other.example/; curl -s -m 10 -p http://denied.lab.test/ -o /dev/null -w "%{http_connect}\n"; \
		$LAB socks other.example 80; $LAB socks denied.lab.test 80; curl -s -m 10 http://web.lab.test/ok')
	expect_contains "$out" "x-proxy-error: blocked-by-denylist"
	expect_contains "$out" "x-proxy-error: blocked-by-allowlist"
	expect_contains "$out" "cordon: denied.lab.test:80 is denied by the profile"
	expect_contains "$out" "cordon: other.example:80 is not on the profile's allow list"
	expect_eq 2 "$(printf '%s\n' "$out" | grep -c '^2$')" "SOCKS replies 2"
	expect_contains "$out" "403"
	# One JSON line per decision.
	"$LAB_PY" - "$T/events.jsonl" <<-'PY'
		import json, sys
		ev = [json.loads(l) for l in open(sys.argv[1])]
		want = [("denied.lab.test", "http", "deny", "denied.lab.test", "denylist"),
		        ("other.example", "http", "deny", None, "unlisted"),
		        ("denied.lab.test", "connect", "deny", "denied.lab.test", "denylist"),
		        ("other.example", "socks5", "deny", None, "unlisted"),
		        ("denied.lab.test", "socks5", "deny", "denied.lab.test", "denylist"),
		        ("web.lab.test", "http", "allow", "**.lab.test", "allowlist")]
		got = [(e["host"], e["protocol"], e["decision"], e["rule"], e["reason"]) for e in ev]
		assert got == want, got
		assert all(e["time"].endswith("Z") and e["time"][10] == "T" for e in ev)
		assert ev[-1]["address"] == "198.51.100.10" and ev[-1]["port"] == 80
	PY
}
test_proxy_denied_and_unlisted() { lab _proxy_denied_and_unlisted; }

# An approver that answers by host name and counts questions per host.
write_approver() {
	cat >"$T/approver.py" <<-'PY'
		import json, sys, time, os
		log = open(os.environ["APPROVER_LOG"], "a", buffering=1)
		for line in sys.stdin:
		    q = json.loads(line)
		    assert set(q) == {"id", "host", "port", "protocol", "command"}, q
		    log.write("%s %s %s\n" % (q["host"], q["protocol"], q["port"]))
		    h = q["host"]
		    if h.startswith("slow."):
		        time.sleep(1.5)
		    d = ("allow-once" if h.startswith(("once.", "slow.")) else
		         "allow-session" if h.startswith("session.") else "deny")
		    print(json.dumps({"id": q["id"], "decision": d}), flush=True)
	PY
}

_proxy_approvals() {
	lab_up
	profile_p <<-'EOT'
		approvals = "ask"
		[permissions.p.network.domains]
		"**.lab.test" = "allow"
	EOT
	write_approver
	export APPROVER_LOG=$T/asked.log
	out=$(psh --approver-cmd "$LAB_PY $T/approver.py" --events "$T/ev.jsonl" -- '
		for h in once once session session session deny deny; do
			curl -s -m 20 -o /dev/null -w "$h %{http_code}\n" http://$h.ask.test/
		done
		for i in 1 2 3 4 5; do curl -s -m 20 -o /dev/null -w "slow %{http_code}\n" http://slow.ask.test/ & done
		wait
		curl -s -m 20 -o /dev/null -w "web %{http_code}\n" http://web.lab.test/')
	expect_eq 2 "$(printf '%s\n' "$out" | grep -c '^once 200$')" "once answers"
	expect_eq 3 "$(printf '%s\n' "$out" | grep -c '^session 200$')" "session answers"
	expect_eq 2 "$(printf '%s\n' "$out" | grep -c '^deny 403$')" "deny answers"
	expect_eq 5 "$(printf '%s\n' "$out" | grep -c '^slow 200$')" "concurrent answers"
	expect_eq "web 200" "$(printf '%s\n' "$out" | grep '^web')"
	# allow-once asks every time; allow-session and deny once; five
	# concurrent requests for one key share one question; listed hosts
	# are never asked.
	expect_eq 2 "$(grep -c '^once.ask.test http 80$' "$APPROVER_LOG")" "questions for once"
	expect_eq 1 "$(grep -c '^session.ask.test http 80$' "$APPROVER_LOG")" "questions for session"
	expect_eq 1 "$(grep -c '^deny.ask.test http 80$' "$APPROVER_LOG")" "questions for deny"
	expect_eq 1 "$(grep -c '^slow.ask.test http 80$' "$APPROVER_LOG")" "questions for slow"
	expect_eq 0 "$(grep -c '^web' "$APPROVER_LOG")" "questions for listed hosts"
	grep -q '"host":"deny.ask.test".*"reason":"approval-deny-remembered"' "$T/ev.jsonl" ||
		fail "no remembered deny in the events"
	grep -q '"host":"session.ask.test".*"reason":"approval-session-remembered"' "$T/ev.jsonl" ||
		fail "no remembered session allow in the events"
	# The key includes the protocol: a SOCKS request asks again.
	: >"$APPROVER_LOG"
	expect_eq 0 "$(psh --approver-cmd "$LAB_PY $T/approver.py" -- '$LAB socks session.ask.test 80')"
	expect_eq 1 "$(grep -c '^session.ask.test socks5 80$' "$APPROVER_LOG")"

	# No approver, and an approver that quits: deny.
	expect_eq 403 "$(psh -- 'curl -s -m 20 -o /dev/null -w "%{http_code}" http://once.ask.test/')"
	expect_eq 403 "$(psh --approver-cmd "true" -- 'sleep 0.5; curl -s -m 20 -o /dev/null -w "%{http_code}" http://once.ask.test/')"
	out=$(psh --approver-cmd "true" -- 'sleep 0.5; curl -s -i -m 20 http://once.ask.test/')
	expect_contains "$out" "x-proxy-error: blocked-by-approval"

	# --approver-fd: a program that started cordon speaks over a socket.
	"$LAB_PY" - "$T" <<-'PY'
		import json, os, socket, subprocess, sys, threading
		t = sys.argv[1]
		a, b = socket.socketpair()
		def answer():
		    f = a.makefile("rw")
		    for line in f:
		        q = json.loads(line)
		        f.write(json.dumps({"id": str(q["id"]), "decision": "allow-once"}) + "\n")
		        f.flush()
		threading.Thread(target=answer, daemon=True).start()
		cmd = [os.environ["CORDON"], "run", "--no-user-config", "--config", t + "/p.toml", "-p", "p",
		       "-C", t + "/ws", "--approver-fd", str(b.fileno()), "--",
		       "curl", "-s", "-m", "20", "http://once.ask.test/fd"]
		out = subprocess.run(cmd, pass_fds=[b.fileno()], capture_output=True, text=True).stdout
		assert out == "hello from 198.51.100.10 path=/fd host=once.ask.test\n", out
	PY
}
test_proxy_approvals() { lab _proxy_approvals; }

_proxy_no_direct_network() {
	lab_up
	default_rules
	# The lab reaches the test host directly; the sandbox does not, by
	# TCP or UDP, and cannot resolve names itself.
	expect_eq connected "$("$LAB_PY" "$here/proxy_lab.py" tcp 198.51.100.10 80)"
	out=$(psh -- '$LAB tcp 198.51.100.10 80; $LAB udp 198.51.100.10 53; $LAB tcp 127.0.0.53 53; \
		getent hosts web.lab.test || echo unresolved; curl -sS -m 10 http://web.lab.test/n')
	expect_eq "error 101
error 101
error 111
unresolved
hello from 198.51.100.10 path=/n host=web.lab.test" "$out"
	# Nothing listens on the lab's (the host's) loopback: the proxy's
	# sockets exist only in the sandbox's network namespace.
	port=$(psh -- 'echo $CORDON_HTTP_PROXY_PORT $CORDON_SOCKS_PORT; sleep 2' &
		sleep 1; ss -Hltn 2>/dev/null | awk '{print $4}' | grep -c '127.0.0.1' || true)
	expect_eq 0 "$(printf '%s\n' "$port" | tail -n1)" "listeners on the host's loopback"
}
test_proxy_no_direct_network() { lab _proxy_no_direct_network; }

_proxy_address_guards() {
	lab_up
	default_rules
	out=$(psh --events "$T/ev.jsonl" -- '
		for h in intranet meta loop mixed; do curl -s -i -m 10 http://$h.lab.test/ | grep -i x-proxy-error || echo "$h passed"; done
		curl -s -i -m 10 http://10.9.0.10/ | grep -i x-proxy-error
		curl -s -i -m 10 http://169.254.169.254/ | grep -i x-proxy-error
		curl -sS -m 10 http://rebind.lab.test/first; curl -s -i -m 10 http://rebind.lab.test/second | grep -i x-proxy-error')
	expect_eq "x-proxy-error: blocked-by-address
x-proxy-error: blocked-by-address
x-proxy-error: blocked-by-address
x-proxy-error: blocked-by-address
x-proxy-error: blocked-by-allowlist
x-proxy-error: blocked-by-allowlist
hello from 198.51.100.10 path=/first host=rebind.lab.test
x-proxy-error: blocked-by-address" "$(printf '%s' "$out" | tr -d '\r')"
	# Each request resolved its name once, and connected to what it checked.
	expect_eq 2 "$(grep -c '^rebind.lab.test 1$' "$T/dns.log")" "A queries for rebind"
	grep -q '"host":"meta.lab.test".*"reason":"address","address":"169.254.169.254"' "$T/ev.jsonl" ||
		fail "metadata address not in the events"
	# Listed by address, or allow_local_binding: allowed.
	profile_p <<-'EOT'
		[permissions.p.network.domains]
		"**.lab.test" = "allow"
		"10.9.0.10" = "allow"
	EOT
	expect_eq "hello from 10.9.0.10 path=/ip host=10.9.0.10" "$(psh -- 'curl -sS -m 10 http://10.9.0.10/ip')"
	expect_eq "hello from 10.9.0.10 path=/n host=intranet.lab.test" "$(psh -- 'curl -sS -m 10 http://intranet.lab.test/n')"
	profile_p <<-'EOT'
		allow_local_binding = true
		[permissions.p.network.domains]
		"**.lab.test" = "allow"
	EOT
	expect_eq "hello from 10.9.0.10 path=/l host=intranet.lab.test" "$(psh -- 'curl -sS -m 10 http://intranet.lab.test/l')"
}
test_proxy_address_guards() { lab _proxy_address_guards; }

_proxy_udp() {
	lab_up
	default_rules
	# Not allowed by the profile: refused by the rules (code 2).
	expect_eq "refused 2" "$(psh -- '$LAB udp-socks echo.lab.test 7 hi')"
	profile_p <<-'EOT'
		allow_udp = true
		approvals = "ask"
		[permissions.p.network.domains]
		"**.lab.test" = "allow"
		"denied.lab.test" = "deny"
	EOT
	write_approver
	export APPROVER_LOG=$T/asked.log
	out=$(psh --events "$T/udp.jsonl" --approver-cmd "$LAB_PY $T/approver.py" -- '
		$LAB udp-socks echo.lab.test 7 one two
		$LAB udp-socks 198.51.100.10 7 literal
		$LAB udp-socks echo.lab.test 7 spoof
		$LAB udp-socks denied.lab.test 7 no
		$LAB udp-socks intranet.lab.test 7 no
		$LAB udp-socks session.ask.test 7 asked again
		$LAB udp-socks deny.ask.test 7 no')
	expect_eq "from 198.51.100.10:7 echo one
from 198.51.100.10:7 echo two
timeout
from 198.51.100.10:7 echo spoof
timeout
timeout
from 198.51.100.10:7 echo asked
from 198.51.100.10:7 echo again
timeout" "$out"
	# A literal is an IP the rules do not list: unlisted, so the approver
	# is asked (and this one denies it). One question per key, protocol
	# "udp"; listed names are never asked.
	expect_eq "198.51.100.10 udp 7
session.ask.test udp 7
deny.ask.test udp 7" "$(cat "$APPROVER_LOG")"
	"$LAB_PY" - "$T/udp.jsonl" <<-'PY'
		import json, sys
		ev = [json.loads(l) for l in open(sys.argv[1])]
		got = [(e["host"], e["protocol"], e["decision"], e["reason"], e["address"]) for e in ev]
		want = [("echo.lab.test", "udp", "allow", "allowlist", "198.51.100.10"),
		        ("198.51.100.10", "udp", "deny", "approval-deny", None),
		        ("echo.lab.test", "udp", "allow", "allowlist", "198.51.100.10"),
		        ("denied.lab.test", "udp", "deny", "denylist", None),
		        ("intranet.lab.test", "udp", "deny", "address", "10.9.0.10"),
		        ("session.ask.test", "udp", "allow", "approval-session", "198.51.100.10"),
		        ("deny.ask.test", "udp", "deny", "approval-deny", None)]
		assert got == want, got
	PY
	# The relay takes datagrams from its client only, and only from
	# inside the sandbox: another socket there gets no answer either.
	out=$(psh -- 'python3 - <<-"PY"
		import os, socket, struct
		c = socket.create_connection(("127.0.0.1", int(os.environ["CORDON_SOCKS_PORT"])))
		c.sendall(b"\x05\x01\x00"); c.recv(2)
		c.sendall(b"\x05\x03\x00\x01\x00\x00\x00\x00\x00\x00"); rep = c.recv(10)
		relay = ("127.0.0.1", struct.unpack("!H", rep[8:10])[0])
		hdr = b"\x00\x00\x00\x03\x0decho.lab.test" + struct.pack("!H", 7)
		a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.settimeout(2)
		b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.settimeout(2)
		a.sendto(hdr + b"first", relay); print(a.recv(100)[10:].decode())
		b.sendto(hdr + b"intruder", relay)
		got = []
		for s in (a, b):
		    try: got.append(s.recv(100))
		    except socket.timeout: pass
		print(got or "intruder ignored")
		c.close()
		a.sendto(hdr + b"after close", relay)
		try: print(a.recv(100))
		except (socket.timeout, ConnectionRefusedError): print("closed with its connection")
	PY')
	expect_eq "echo first
intruder ignored
closed with its connection" "$out"
}
test_proxy_udp() { lab _proxy_udp; }

fd_count() { ls "/proc/$1/fd" | wc -l; }

_proxy_robustness() {
	lab_up
	default_rules
	printf 'GARBAGE\r\n\r\n' >"$WS/bad.req"
	{ printf 'GET http://web.lab.test/ HTTP/1.1\r\nX: '; head -c 20000 /dev/zero | tr '\0' a; printf '\r\n\r\n'; } >"$WS/big.req"
	printf 'GET http://web.lab.test/ HTTP/1.1\r\nA: b\r\n c\r\n\r\n' >"$WS/fold.req"
	printf 'GET http://web.lab.test/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n' >"$WS/smuggle.req"
	printf 'GET https://web.lab.test/ HTTP/1.1\r\n\r\n' >"$WS/https.req"
	"${RUN[@]}" --config "$T/p.toml" -p p -C "$WS" -- env LAB="$LAB_PY $here/proxy_lab.py" sh -c '
		sleep 1
		for r in bad big fold smuggle https; do $LAB raw $r.req; done
		$LAB slow > slow.out &
		LAB_HOLD=$PWD/held $LAB many 500 echo.lab.test 7
		wait
		cat slow.out
		curl -sS -m 10 http://web.lab.test/after
		echo done > done; sleep 3' >"$T/out" 2>&1 &
	cpid=$!
	for _ in $(seq 50); do [ -d "/proc/$cpid" ] && [ "$(fd_count "$cpid")" -gt 0 ] && break; sleep 0.02; done
	sleep 0.5
	before=$(fd_count "$cpid")
	for _ in $(seq 300); do [ -e "$WS/held" ] && break; sleep 0.1; done
	during=$(fd_count "$cpid")
	for _ in $(seq 600); do [ -e "$WS/done" ] && break; sleep 0.1; done
	after=$(fd_count "$cpid")
	wait "$cpid" || fail "cordon failed: $(cat "$T/out")"
	out=$(cat "$T/out")
	expect_contains "$out" "HTTP/1.1 400 Bad Request
HTTP/1.1 431 Request Header Fields Too Large
HTTP/1.1 400 Bad Request
HTTP/1.1 400 Bad Request
HTTP/1.1 400 Bad Request"
	expect_contains "$out" "open 500"
	expect_contains "$out" "ok 500"
	expect_contains "$out" "HTTP/1.1 408 Request Timeout"
	expect_contains "$out" "hello from 198.51.100.10 path=/after host=web.lab.test"
	[ "$during" -gt $((before + 1000)) ] || fail "500 relays open, but cordon had $during descriptors (before: $before)"
	expect_eq "$before" "$after" "cordon's descriptors before and after"
}
test_proxy_robustness() { lab _proxy_robustness; }

_proxy_tty_approver() {
	lab_up
	profile_p <<-'EOT'
		approvals = "ask"
	EOT
	# A person at a terminal: answers "a" (always) to the first prompt
	# and "n" to the second; a pty stands in for the terminal.
	out=$("$LAB_PY" - "$CORDON" "$T/p.toml" "$WS" <<-'PY'
		import os, pty, select, sys, time
		cordon, conf, ws = sys.argv[1:4]
		snippet = ("for h in session session deny; do curl -s -m 20 -o /dev/null "
		           "-w \"$h %{http_code}\\n\" http://$h.ask.test/; done")
		pid, fd = pty.fork()
		if pid == 0:
		    os.execv(cordon, [cordon, "run", "--no-user-config", "--config", conf, "-p", "p",
		                      "-C", ws, "--approver", "tty", "--", "sh", "-c", snippet])
		out, answers, deadline = b"", [b"a\n", b"n\n"], time.time() + 60
		while time.time() < deadline:
		    if select.select([fd], [], [], 1)[0]:
		        try:
		            d = os.read(fd, 4096)
		        except OSError:
		            break
		        if not d:
		            break
		        out += d
		        if out.count(b"allow?") > 2 - len(answers) and answers:
		            os.write(fd, answers.pop(0))
		os.waitpid(pid, 0)
		sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
	PY
	)
	expect_eq 2 "$(printf '%s\n' "$out" | grep -c 'allow? \[y\]es once')" "prompts"
	expect_contains "$out" "wants to connect to session.ask.test port 80 (http)"
	expect_eq 2 "$(printf '%s\n' "$out" | grep -c '^session 200$')" "session answers"
	expect_eq 1 "$(printf '%s\n' "$out" | grep -c '^deny 403$')" "deny answers"
}
test_proxy_tty_approver() { lab _proxy_tty_approver; }

# The proxy needs a network namespace: the landlock backend refuses proxy
# mode (t_landlock.sh checks the refusal).
e2e_backends "$E2E_NS" test_proxy_http_connect_socks \
	test_proxy_git_ssh_and_cordon_connect test_proxy_denied_and_unlisted \
	test_proxy_approvals test_proxy_no_direct_network \
	test_proxy_address_guards test_proxy_robustness test_proxy_tty_approver test_proxy_udp
