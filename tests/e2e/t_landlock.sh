# The landlock backend: what it enforces without namespaces, and what it
# refuses. Each test names the backend itself (so they run once), and
# profiles that every backend can enforce use `protected_names = []`:
# protected metadata inside a writable root is a carve-out Landlock cannot
# express.

lrun() { "${RUN[@]}" --backend landlock "$@"; }

# The Landlock ABI of this kernel, or 0.
landlock_abi() {
	"$CORDON" doctor --json --no-user-config 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["landlock"]["abi"] or 0)' 2>/dev/null ||
		echo 0
}

need_landlock() {
	local abi
	abi=$(landlock_abi)
	[ "$abi" -ge "${1:-1}" ] || skip "Landlock ABI ${1:-1} needed, this kernel has ${abi}"
}

# A profile "t" without protected names: $1 lines under its filesystem table.
landlock_profile() {
	{
		echo '[permissions.t]'
		echo 'protected_names = []'
		echo '[permissions.t.filesystem]'
		cat
	} >"$T/t.toml"
}
ltrun() { lrun --config "$T/t.toml" -p t "$@"; }

test_landlock_reads_and_writes_per_policy() {
	need_landlock
	make_ws
	outside=$(mktemp -d "$HOME/cordon-e2e-outside.XXXXXX")
	echo secret >"$outside/s"
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
TOML
	ltrun -C "$WS" -- sh -c 'echo hi > inside.txt && mkdir d && mv inside.txt d/ && echo x > /dev/null'
	expect_eq hi "$(cat "$WS/d/inside.txt")"
	expect_eq secret "$(ltrun -C "$WS" -- cat "$outside/s")"
	expect_fail ltrun -C "$WS" -- sh -c "echo x > '$outside/f'"
	expect_fail ltrun -C "$WS" -- sh -c "rm -f '$outside/s'"
	expect_fail ltrun -C "$WS" -- sh -c "mkdir '$outside/d'"
	expect_fail ltrun -C "$WS" -- sh -c "echo x >> /etc/passwd"
	[ "$(ls -A "$outside")" = s ] || fail "changed $outside"
	rm -rf "$outside"
}

test_landlock_minimal_profile_hides_the_rest() {
	need_landlock
	make_ws
	mkdir "$T/secret"
	echo s >"$T/secret/key"
	landlock_profile <<TOML
":minimal" = "read"
"$WS" = "write"
TOML
	ltrun -C "$WS" -- /bin/sh -c 'echo ok > f'
	expect_eq ok "$(cat "$WS/f")"
	expect_fail ltrun -C "$WS" -- cat "$T/secret/key"
	expect_fail ltrun -C "$WS" -- ls "$T/secret"
	expect_fail ltrun -C "$WS" -- ls "$HOME"
}

test_landlock_read_only_profile() {
	need_landlock
	make_ws
	out=$(lrun -p :read-only -C "$WS" -- cat /etc/passwd | head -n1)
	[ -n "$out" ] || fail "could not read /etc/passwd"
	expect_fail lrun -p :read-only -C "$WS" -- sh -c 'echo x > f'
	expect_fail lrun -p :read-only -C "$WS" -- sh -c "echo x > /tmp/cordon-e2e-ro-$$"
	[ ! -e "$WS/f" ] && [ ! -e "/tmp/cordon-e2e-ro-$$" ] || fail "wrote under :read-only"
	# The sandbox's devices stay usable.
	lrun -p :read-only -C "$WS" -- sh -c 'echo x > /dev/null && head -c1 /dev/zero >/dev/null'
}

test_landlock_truncate_of_read_only_files_refused() {
	need_landlock
	make_ws
	echo keep >"$T/ro"
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
TOML
	expect_fail ltrun -C "$WS" -- truncate -s 0 "$T/ro"
	expect_fail ltrun -C "$WS" -- python3 -c "import os; os.open('$T/ro', os.O_RDONLY | os.O_TRUNC)"
	expect_eq keep "$(cat "$T/ro")"
	# Inside the writable root truncation works.
	echo long >"$WS/w"
	ltrun -C "$WS" -- truncate -s 0 w
	expect_eq "" "$(cat "$WS/w")"
}

test_landlock_protected_metadata_is_refused_with_the_entry_and_backend() {
	need_landlock
	make_ws
	git -C "$WS" init -q
	err=$(lrun -C "$WS" -- touch "$WS/ran" 2>&1) && fail "ran :workspace with a .git under landlock"
	expect_status 125 lrun -C "$WS" -- touch "$WS/ran"
	expect_one_line "$err"
	expect_contains "$err" ".git"
	expect_contains "$err" "bwrap"
	expect_contains "$err" "--allow-weaker"
	[ ! -e "$WS/ran" ] || fail "ran the command"
}

test_landlock_hidden_dir_under_readable_root_is_refused() {
	need_landlock
	make_ws
	mkdir "$T/secrets"
	echo s >"$T/secrets/key"
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
"$T/secrets" = "none"
TOML
	err=$(ltrun -C "$WS" -- cat "$T/secrets/key" 2>&1) && fail "ran: $err"
	expect_status 125 ltrun -C "$WS" -- true
	expect_one_line "$err"
	expect_contains "$err" "$T/secrets (hidden inside readable /)"
	# A hidden path that does not exist hides nothing: no refusal.
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
"$T/nothing-here" = "none"
TOML
	ltrun -C "$WS" -- true
}

test_landlock_deny_glob_refused_only_with_matches() {
	need_landlock
	make_ws
	cat >"$T/t.toml" <<TOML
[permissions.t]
protected_names = []
[permissions.t.filesystem]
":root" = "read"
[permissions.t.filesystem.":workspace_roots"]
"." = "write"
"**/*.env" = "none"
TOML
	ltrun -C "$WS" -- true
	mkdir -p "$WS/a"
	echo K >"$WS/a/prod.env"
	err=$(ltrun -C "$WS" -- cat a/prod.env 2>&1) && fail "ran with a deny glob match: $err"
	expect_one_line "$err"
	expect_contains "$err" "$WS/a/prod.env"
}

test_landlock_allow_weaker_warns_once_and_runs() {
	need_landlock
	make_ws
	git -C "$WS" init -q
	out=$(lrun --allow-weaker -C "$WS" -- sh -c 'echo ran' 2>"$T/err")
	expect_eq ran "$out"
	expect_eq 1 "$(grep -c 'allow-weaker' "$T/err")" "warning lines"
	expect_contains "$(cat "$T/err")" "$WS/.git (protected, read-only inside writable $WS)"
	# The config key says the same.
	cat >"$T/t.toml" <<TOML
[permissions.t]
extends = ":workspace"
landlock_ignore_carveouts = true
TOML
	expect_eq ran "$(lrun --config "$T/t.toml" -p t -C "$WS" -- sh -c 'echo ran' 2>/dev/null)"
}

test_landlock_network_off() {
	need_landlock
	make_ws
	start_tcp_listener
	port=$PORT
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).recv(5)"
	out=$(lrun -p :read-only -C "$WS" -- python3 -c '
import socket
for fam in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
    try:
        socket.socket(fam, socket.SOCK_STREAM); print("created")
    except PermissionError:
        print("EPERM")
a, b = socket.socketpair(); a.sendall(b"p"); print(b.recv(1).decode())')
	expect_eq "EPERM
EPERM
EPERM
p" "$out"
	lrun -p :read-only -C "$WS" -- curl -s -m 3 "http://127.0.0.1:$port/" && fail "curl connected"
	out=$(lrun -p :read-only -C "$WS" -- sh -c 'echo "$CORDON_SANDBOX $CORDON_SANDBOX_NETWORK_DISABLED"')
	expect_eq "1 1" "$out"
}

test_landlock_host_unix_socket_unreachable_even_with_network_on() {
	need_landlock
	make_ws
	d=$(mktemp -d "$HOME/cordon-e2e-daemon.XXXXXX")
	start_unix_listener "$d/daemon.sock"
	expect_eq DAEMON "$(python3 -c "$connect_unix_py" "$d/daemon.sock")"
	for net in off on; do
		out=$(lrun -p :read-only --network $net -C "$WS" -- python3 -c "$connect_unix_py" "$d/daemon.sock")
		case "$out" in DAEMON) fail "reached the host socket with network $net" ;; esac
	done
	rm -rf "$d"
}

# With socket(AF_UNIX) refused, a host socket the command can only see is
# harmless and needs no scan; one it could unlink or replace is a carve-out
# Landlock cannot make, so it is refused by name.
test_landlock_host_socket_in_writable_dir_is_refused() {
	need_landlock
	make_ws
	d=$(mktemp -d /tmp/cordon-e2e-llsock.XXXXXX)
	start_unix_listener "$d/daemon.sock"
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
"$d" = "write"
TOML
	err=$(ltrun -C "$WS" -- true 2>&1) && { rm -rf "$d"; fail "ran: $err"; }
	expect_one_line "$err"
	expect_contains "$err" "$d/daemon.sock (host socket, hidden"
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
TOML
	out=$(ltrun -C "$WS" -- python3 -c "$connect_unix_py" "$d/daemon.sock")
	rm -rf "$d"
	case "$out" in DAEMON) fail "reached the host socket" ;; esac
}

test_landlock_abstract_socket_scoped() {
	need_landlock 6
	make_ws
	python3 - >/dev/null 2>&1 <<'PY' &
import socket
s = socket.socket(socket.AF_UNIX)
s.bind("\0cordon-e2e-ll-abstract")
s.listen(1)
s.settimeout(8)
try:
    c, _ = s.accept(); c.sendall(b"DAEMON\n")
except Exception:
    pass
PY
	sleep 0.5
	# An unrestricted filesystem hides no pathname socket, so AF_UNIX
	# sockets are allowed there: the refusal below is Landlock's scope.
	cat >"$T/t.toml" <<TOML
[permissions.t.filesystem]
type = "unrestricted"
TOML
	out=$(lrun --config "$T/t.toml" -p t -C "$WS" -- python3 -c '
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0cordon-e2e-ll-abstract"); print("CONNECTED")
except OSError as e:
    print("refused")
a = socket.socket(socket.AF_UNIX); a.bind("\0cordon-e2e-ll-inner"); a.listen(1)
b = socket.socket(socket.AF_UNIX); b.connect("\0cordon-e2e-ll-inner"); print("inner ok")')
	expect_eq "refused
inner ok" "$out"
}

test_landlock_signals_scoped() {
	need_landlock 6
	make_ws
	sleep 60 &
	victim=$!
	out=$(lrun -p :read-only -C "$WS" -- sh -c "kill -TERM $victim 2>/dev/null && echo killed || echo refused; sleep 30 & kill \$! && echo own-ok")
	expect_eq "refused
own-ok" "$out"
	kill -0 "$victim" || fail "the host process was killed"
	kill "$victim"
}

test_landlock_proc_of_host_processes_governed() {
	need_landlock
	make_ws
	mkdir "$T/secret"
	echo hidden >"$T/secret/key"
	# A host process of the same user holding the secret open.
	sleep 60 <"$T/secret/key" &
	victim=$!
	landlock_profile <<TOML
":minimal" = "read"
"/proc" = "read"
"$WS" = "write"
TOML
	expect_fail ltrun -C "$WS" -- cat "$T/secret/key"
	# Through the host process's root, its descriptors, environment and cwd.
	expect_fail ltrun -C "$WS" -- cat "/proc/$victim/root$T/secret/key"
	expect_fail ltrun -C "$WS" -- cat "/proc/$victim/fd/0"
	expect_fail ltrun -C "$WS" -- cat "/proc/$victim/environ"
	expect_fail ltrun -C "$WS" -- ls "/proc/$victim/cwd/"
	# Also with / readable, the host's process is out of reach.
	landlock_profile <<TOML
":root" = "read"
"$WS" = "write"
TOML
	expect_fail ltrun -C "$WS" -- ls "/proc/$victim/root/"
	kill "$victim"
}

test_landlock_no_new_privs_and_no_capabilities() {
	need_landlock
	make_ws
	out=$(lrun -p :read-only -C "$WS" -- grep -E '^(NoNewPrivs|CapEff|CapPrm|CapAmb|CapBnd):' /proc/self/status | tr -s '\t ' ' ')
	expect_contains "$out" "NoNewPrivs: 1"
	expect_contains "$out" "CapEff: 0000000000000000"
	expect_contains "$out" "CapPrm: 0000000000000000"
	expect_contains "$out" "CapAmb: 0000000000000000"
	# Root's bounding set is emptied too (an unprivileged caller's is
	# already powerless with NoNewPrivs and no capability).
	[ "$(id -u)" -ne 0 ] || expect_contains "$out" "CapBnd: 0000000000000000"
	out=$(lrun -p :read-only -C "$WS" -- grep '^Seccomp:' /proc/self/status | tr -s '\t ' ' ')
	expect_eq "Seccomp: 2" "$out"
}

test_landlock_sandbox_dies_whole() {
	need_landlock
	make_ws
	tag=cordon-e2e-ll-$$-$RANDOM
	# A daemon that leaves the command's session survives the command
	# on the host; here it goes with the sandbox, at exit and at timeout.
	# (bash: dash's exec has no -a.) The daemons report that they started,
	# so that their absence afterwards means something.
	lrun -p :read-only -C "$WS" -- bash -c \
		"setsid bash -c 'echo up; exec -a $tag-a sleep 100 >/dev/null' & sleep 0.3; exit 0" >"$T/a"
	expect_status 124 lrun -p :read-only --timeout 0.5 -C "$WS" -- bash -c \
		"setsid bash -c 'echo up; exec -a $tag-b sleep 100 >/dev/null' & sleep 100" >"$T/b"
	expect_eq up "$(cat "$T/a")" "first daemon started"
	expect_eq up "$(cat "$T/b")" "second daemon started"
	sleep 0.3
	if pgrep -f "$tag" >/dev/null; then
		pkill -KILL -f "$tag"
		fail "processes survived: $(pgrep -a -f "$tag")"
	fi
}

test_landlock_proxy_mode_refused() {
	need_landlock
	make_ws
	err=$(lrun -p :read-only --network proxy -C "$WS" -- touch "$WS/ran" 2>&1) && fail "ran in proxy mode"
	expect_one_line "$err"
	expect_contains "$err" "proxy"
	expect_contains "$err" "address"
	[ ! -e "$WS/ran" ] || fail "ran the command"
}

e2e_backends once test_landlock_reads_and_writes_per_policy \
	test_landlock_minimal_profile_hides_the_rest test_landlock_read_only_profile \
	test_landlock_truncate_of_read_only_files_refused \
	test_landlock_protected_metadata_is_refused_with_the_entry_and_backend \
	test_landlock_hidden_dir_under_readable_root_is_refused \
	test_landlock_deny_glob_refused_only_with_matches test_landlock_allow_weaker_warns_once_and_runs \
	test_landlock_network_off test_landlock_host_unix_socket_unreachable_even_with_network_on \
	test_landlock_host_socket_in_writable_dir_is_refused \
	test_landlock_abstract_socket_scoped test_landlock_signals_scoped \
	test_landlock_proc_of_host_processes_governed test_landlock_no_new_privs_and_no_capabilities \
	test_landlock_sandbox_dies_whole test_landlock_proxy_mode_refused
