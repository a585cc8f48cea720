# cordon run: the process side (DESIGN.md §6).

test_run_exit_status_passthrough() {
	make_ws
	expect_status 0 crun -p :read-only -C "$WS" -- true
	expect_fail crun -p :read-only -C "$WS" -- false
	expect_status 42 crun -p :read-only -C "$WS" -- sh -c 'exit 42'
	expect_status 137 crun -p :read-only -C "$WS" -- sh -c 'kill -KILL $$'
	expect_status 143 crun -p :read-only -C "$WS" -- sh -c 'kill -TERM $$'
}

test_run_not_found_and_not_executable() {
	make_ws
	err=$(crun -p :read-only -C "$WS" -- no-such-command-xyz 2>&1) && fail "ran"
	expect_status 127 crun -p :read-only -C "$WS" -- no-such-command-xyz
	expect_one_line "$err"
	echo 'echo hi' >"$WS/script"
	chmod 644 "$WS/script"
	expect_status 126 crun -p :read-only -C "$WS" -- ./script
	expect_status 127 crun -p :read-only -C "$WS" -- ./missing
}

test_run_bad_profile_is_125_and_runs_nothing() {
	make_ws
	printf '[permissions.t.filesystem]\n"/x" = "sideways"\n' >"$T/t.toml"
	expect_status 125 trun -C "$WS" -- touch ran
	[ ! -e "$WS/ran" ] || fail "ran the command"
	cat >"$T/t.toml" <<TOML
[permissions.t.filesystem]
":root" = "read"
"$WS/[unclosed" = "none"
TOML
	err=$(trun -C "$WS" -- touch ran 2>&1) && fail "accepted a bad glob"
	expect_one_line "$err"
	expect_status 125 crun --timeout -1 -C "$WS" -- true
	expect_status 125 crun -C "$WS"
	[ ! -e "$WS/ran" ] || fail "ran the command"
}

test_run_workspace_root_that_is_a_file_is_refused() {
	make_ws
	echo data >"$T/file"
	err=$(crun -C "$WS" -w "$T/file" -- touch ran 2>&1) && fail "ran with a file as workspace root"
	expect_status 125 crun -C "$WS" -w "$T/file" -- touch ran
	expect_one_line "$err"
	expect_contains "$err" "$T/file"
	expect_status 125 crun -C "$T/file" -- true
	[ ! -e "$WS/ran" ] || fail "ran the command"
}

test_run_timeout_kills_the_whole_sandbox() {
	make_ws
	start=$(date +%s)
	err=$(crun -p :read-only --timeout 1 -C "$WS" -- sh -c 'sleep 100 & sleep 100 & sleep 100' 2>&1) && fail "no timeout"
	expect_status 124 crun -p :read-only --timeout 0.5 -C "$WS" -- sleep 100
	end=$(date +%s)
	[ $((end - start)) -lt 20 ] || fail "timeout took $((end - start))s"
	expect_contains "$err" timeout
	sleep 0.3
	# Nothing of the sandbox is left: no sleep 100 of ours.
	if pgrep -u "$(id -u)" -f '^sleep 100$' >/dev/null; then
		fail "processes survived: $(pgrep -a -u "$(id -u)" -f '^sleep 100$')"
	fi
}

test_run_sigint_is_forwarded() {
	make_ws
	# A background job of a non-interactive shell starts with SIGINT
	# ignored, and an ignored signal stays ignored across exec (as nohup
	# relies on); start cordon the way a terminal would.
	python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
		"${RUN[@]}" -p :read-only -C "$WS" -- \
		sh -c 'trap "echo got-int; exit 130" INT; sleep 30 & wait' >"$T/int.txt" &
	pid=$!
	sleep 1
	kill -INT $pid
	rc=0
	wait $pid || rc=$?
	expect_eq 130 "$rc" "exit status"
	expect_eq got-int "$(cat "$T/int.txt")"
}

# ^C reaches the whole job, as a terminal sends it: a shell waiting for a
# child ignores SIGINT until the child is gone, so signalling the shell
# alone would leave `sleep 30` running.
test_run_sigint_reaches_the_whole_job() {
	make_ws
	python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
		"${RUN[@]}" -p :read-only -C "$WS" -- sh -c 'sleep 30; echo survived' >"$T/out" &
	pid=$!
	for _ in $(seq 100); do [ -d "/proc/$pid" ] && pgrep -P "$pid" >/dev/null && break; sleep 0.05; done
	sleep 0.5
	kill -INT $pid
	for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
	if [ -d "/proc/$pid" ]; then
		kill -KILL $pid
		fail "the sandbox still ran 10 s after SIGINT: the shell's child never got it"
	fi
	rc=0
	wait $pid || rc=$?
	expect_eq 130 "$rc" "exit status"
	expect_eq "" "$(cat "$T/out")"
}

# cordon killed outright (SIGKILL: no chance to clean up) takes the whole
# sandbox with it, daemons that left the command's session included:
# nothing the command started may run on unsupervised. (The landlock
# backend has no pid namespace: there only the command itself dies with
# cordon; README says so.)
test_run_sandbox_dies_with_cordon() {
	make_ws
	tag=cordon-e2e-orphan-$$-$RANDOM
	"${RUN[@]}" -p :read-only -C "$WS" -- \
		bash -c "setsid bash -c 'exec -a $tag-daemon sleep 100' & exec -a $tag-cmd sleep 100" &
	pid=$!
	for _ in $(seq 100); do pgrep -f "$tag-daemon" >/dev/null && pgrep -f "$tag-cmd" >/dev/null && break; sleep 0.05; done
	pgrep -f "$tag-daemon" >/dev/null || fail "the sandbox did not start"
	kill -KILL $pid
	wait $pid 2>/dev/null || true
	for _ in $(seq 50); do pgrep -f "$tag" >/dev/null || break; sleep 0.1; done
	if pgrep -f "$tag" >/dev/null; then
		pkill -KILL -f "$tag"
		fail "processes outlived cordon: $(pgrep -a -f "$tag")"
	fi
}

test_run_sigterm_is_forwarded() {
	make_ws
	"${RUN[@]}" -p :read-only -C "$WS" -- sleep 30 &
	pid=$!
	sleep 1
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	expect_eq 143 "$rc" "exit status"
}

test_run_no_new_privs_and_no_capabilities() {
	make_ws
	out=$(crun -C "$WS" -- grep -E '^(NoNewPrivs|CapEff|CapBnd):' /proc/self/status | tr -s '\t ' ' ')
	expect_contains "$out" "NoNewPrivs: 1"
	expect_contains "$out" "CapEff: 0000000000000000"
	expect_contains "$out" "CapBnd: 0000000000000000"
}

test_run_own_pid_namespace_and_proc() {
	make_ws
	out=$(crun -C "$WS" -- sh -c 'ls /proc | grep -c "^[0-9]"')
	[ "$out" -le 5 ] || fail "sees $out processes"
}

test_run_stdio_untouched() {
	make_ws
	out=$(echo piped | crun -p :read-only -C "$WS" -- sh -c 'cat; echo err >&2' 2>"$T/err")
	expect_eq piped "$out"
	expect_eq err "$(cat "$T/err")"
}

test_run_inherited_descriptors_do_not_leak() {
	make_ws
	secretdir=$(mktemp -d "$HOME/cordon-e2e-fd.XXXXXX")
	echo secret >"$secretdir/s"
	out=$(crun -p :read-only -C "$WS" -- sh -c 'ls /proc/self/fd' 7<"$secretdir")
	case " $(echo $out) " in *" 7 "*) fail "fd 7 leaked into the sandbox: $out" ;; esac
	rm -rf "$secretdir"
}

test_run_planted_bwrap_in_workspace_is_ignored() {
	make_ws
	printf '#!/bin/sh\necho PLANTED > %s/planted\nexit 0\n' "$WS" >"$WS/bwrap"
	chmod +x "$WS/bwrap"
	PATH="$WS:$PATH" crun -C "$WS" -- true
	[ ! -e "$WS/planted" ] || fail "executed the planted bwrap"
}

test_run_explain_bwrap_prints_runnable_argv() {
	# A workspace outside /tmp, which :workspace already binds as a whole.
	WS=$(mktemp -d "$HOME/cordon-e2e-ws.XXXXXX")
	line=$(cordon explain --no-user-config --format bwrap -C "$WS" -- true)
	rm -rf "$WS"
	expect_contains "$line" "--unshare-user"
	expect_contains "$line" "--unshare-net"
	expect_contains "$line" "--ro-bind / /"
	expect_contains "$line" "--bind $WS $WS"
	expect_contains "$line" "--seccomp"
	expect_contains "$line" "--cap-drop ALL"
}

# A pid namespace of the sandbox's own, and an empty capability bounding
# set for every caller (the landlock backend can empty it only for root;
# t_landlock.sh checks what it guarantees).
e2e_backends "$E2E_NS" test_run_own_pid_namespace_and_proc test_run_no_new_privs_and_no_capabilities
# These choose or inspect the bwrap backend themselves.
e2e_backends once test_run_planted_bwrap_in_workspace_is_ignored \
	test_run_explain_bwrap_prints_runnable_argv

# Interrupted or not, cordon removes the placeholders it made.
test_run_sigint_removes_placeholders() {
	make_ws
	python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
		"${RUN[@]}" -C "$WS" -- sh -c 'sleep 30' &
	pid=$!
	for _ in $(seq 50); do [ -e "$WS/.git" ] && break; sleep 0.1; done
	[ -d "$WS/.git" ] || fail "no placeholder while running"
	kill -INT $pid
	wait $pid || true
	[ ! -e "$WS/.git" ] && [ ! -e "$WS/.cordon" ] || fail "placeholders left after SIGINT"
}
e2e_backends "$E2E_NS" test_run_sigint_removes_placeholders test_run_sandbox_dies_with_cordon
