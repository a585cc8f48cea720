# Faults: a machine where a backend cannot work. Each test makes one thing
# fail for real (no test-only code path in cordon) and checks the
# documented fallback or refusal, and that the command never ran
# unconfined: it always tries to write a marker outside what the policy
# lets it write, and the marker must not appear.

# A directory outside every sandbox's writable set ($T is under /tmp,
# which :workspace makes writable).
make_marker_dir() {
	MARK=$(mktemp -d "$HOME/cordon-e2e-mark.XXXXXX")
}
# The command every fault test runs: prints "ran" once per run, after
# trying to write the marker.
ran_cmd() { echo "touch '$MARK/m' 2>/dev/null; echo ran"; }
expect_no_marker() {
	[ ! -e "$MARK/m" ] || fail "the command wrote outside its sandbox: it ran unconfined"
	rm -rf "$MARK"
}

# $T/bin: every program on PATH but bwrap.
make_path_without_bwrap() {
	mkdir -p "$T/bin"
	local d
	for d in ${PATH//:/ }; do
		[ -d "$d" ] && ln -s "$d"/* "$T/bin/" 2>/dev/null || true
	done
	rm -f "$T/bin/bwrap"
	NOBWRAP=$T/bin
}

fault_helper() {
	local h
	for h in "${CORDON_FAULT:-}" "$(dirname "$CORDON")/tests/cordon-fault" \
		"$(dirname "$CORDON")/cordon-fault"; do
		[ -n "$h" ] && [ -x "$h" ] && { FAULT=$h; return; }
	done
	skip "the cordon-fault helper is not built (meson builds tests/cordon-fault)"
}

# Runs "$@" in a new user namespace where creating another is disabled:
# user.max_user_namespaces is a per-namespace limit (user_namespaces(7)),
# which the namespace's owner may lower, so this works for root and for an
# unprivileged user alike, and changes nothing outside.
without_userns() {
	unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$@"' sh "$@"
}
need_unshare() {
	unshare --user --map-root-user true 2>/dev/null ||
		skip "cannot create a user namespace here to disable user namespaces inside it"
}

test_fault_no_bwrap_auto_falls_back_once() {
	make_ws
	make_marker_dir
	make_path_without_bwrap
	out=$(PATH=$NOBWRAP crun -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err")
	expect_eq ran "$out"
	expect_eq 1 "$(grep -c 'backend auto: using' "$T/err")" "fallback notices"
	expect_contains "$(cat "$T/err")" "bwrap: no usable bwrap on PATH"
	# An explicit bwrap is refused, not replaced.
	err=$(PATH=$NOBWRAP crun --backend bwrap -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>&1) &&
		fail "--backend bwrap ran without bwrap"
	expect_status 125 env PATH="$NOBWRAP" "${RUN[@]}" --backend bwrap -p :read-only -C "$WS" -- true
	expect_one_line "$err"
	expect_contains "$err" "bwrap"
	expect_no_marker
}

test_fault_no_bwrap_default_profile_is_never_weakened() {
	make_ws
	make_marker_dir
	make_path_without_bwrap
	git -C "$WS" init -q
	rc=0
	out=$(PATH=$NOBWRAP crun -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err") || rc=$?
	if grep -q 'using builtin' "$T/err"; then
		expect_eq ran "$out" # the builtin backend enforces :workspace in full
	else
		# landlock cannot keep .git read-only inside the workspace
		expect_eq 125 "$rc" "exit status"
		expect_eq "" "$out" "output of a command that must not run"
		expect_contains "$(cat "$T/err")" "no backend can enforce profile :workspace"
		expect_contains "$(cat "$T/err")" ".git"
		expect_one_line "$(cat "$T/err")"
	fi
	expect_no_marker
}

test_fault_broken_bwrap_falls_back_and_never_runs_twice() {
	make_ws
	make_marker_dir
	mkdir "$T/fake"
	printf '#!/bin/sh\necho call >>"%s/bwrap-calls"\necho "bwrap: broken" >&2\nexit 1\n' "$T" >"$T/fake/bwrap"
	chmod +x "$T/fake/bwrap"
	out=$(PATH=$T/fake:$PATH crun -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err")
	expect_eq ran "$out" "the command ran exactly once"
	[ -s "$T/bwrap-calls" ] || fail "the broken bwrap was not tried"
	expect_eq 1 "$(grep -c 'backend auto: using' "$T/err")" "fallback notices"
	expect_contains "$(cat "$T/err")" "bwrap: could not set up the sandbox"
	# Asked for by name, a broken bwrap is an error.
	rc=0
	out=$(PATH=$T/fake:$PATH crun --backend bwrap -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>/dev/null) || rc=$?
	expect_eq 125 "$rc" "exit status of --backend bwrap"
	expect_eq "" "$out"
	expect_no_marker
}

test_fault_killed_bwrap_is_not_retried() {
	make_ws
	# A bwrap that dies by a signal may have had the command running (the
	# OOM killer, a second ^C): no retry, no fallback, the signal's status.
	mkdir "$T/fake"
	printf '#!/bin/sh\necho call >>"%s/bwrap-calls"\nkill -KILL $$\n' "$T" >"$T/fake/bwrap"
	chmod +x "$T/fake/bwrap"
	rc=0
	PATH=$T/fake:$PATH crun -p :read-only -C "$WS" -- true 2>"$T/err" || rc=$?
	expect_eq 137 "$rc" "exit status"
	expect_eq 1 "$(grep -c '' "$T/bwrap-calls")" "bwrap launches"
	! grep -q 'backend auto' "$T/err" || fail "fell back after bwrap was killed: $(cat "$T/err")"
}

test_fault_bwrap_planted_in_workspace_is_not_used() {
	make_ws
	make_marker_dir
	make_path_without_bwrap
	printf '#!/bin/sh\ntouch "%s/planted"\nexec "$@"\n' "$MARK" >"$WS/bwrap"
	chmod +x "$WS/bwrap"
	out=$(PATH=$WS:$NOBWRAP crun -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err")
	expect_eq ran "$out"
	[ ! -e "$MARK/planted" ] || fail "ran the bwrap planted in the workspace"
	expect_contains "$(cat "$T/err")" "no usable bwrap on PATH"
	expect_no_marker
}

test_fault_user_namespaces_disabled() {
	need_unshare
	make_ws
	make_marker_dir
	out=$(without_userns "${RUN[@]}" -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err")
	expect_eq ran "$out"
	expect_eq 1 "$(grep -c 'backend auto: using' "$T/err")" "fallback notices"
	expect_contains "$(cat "$T/err")" "user.max_user_namespaces = 0"
	# bwrap by name fails before the command starts.
	rc=0
	out=$(without_userns "${RUN[@]}" --backend bwrap -p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>/dev/null) || rc=$?
	expect_eq 125 "$rc"
	expect_eq "" "$out"
	# The default profile needs namespaces: refused, with the cause.
	rc=0
	git -C "$WS" init -q
	out=$(without_userns "${RUN[@]}" -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err") || rc=$?
	expect_eq 125 "$rc"
	expect_eq "" "$out"
	expect_one_line "$(cat "$T/err")"
	expect_contains "$(cat "$T/err")" "user.max_user_namespaces = 0"
	expect_no_marker
}

test_fault_landlock_unavailable() {
	fault_helper
	make_ws
	make_marker_dir
	make_path_without_bwrap
	# A kernel without Landlock (or a container refusing it).
	err=$("$FAULT" landlock_create_ruleset=ENOSYS -- "${RUN[@]}" --backend landlock -p :read-only \
		-C "$WS" -- sh -c "$(ran_cmd)" 2>&1) && fail "ran without Landlock: $err"
	expect_one_line "$err"
	expect_contains "$err" "CONFIG_SECURITY_LANDLOCK"
	expect_status 125 "$FAULT" landlock_create_ruleset=ENOSYS -- "${RUN[@]}" --backend landlock \
		-p :read-only -C "$WS" -- true
	# Built in, but not enabled at boot.
	err=$("$FAULT" landlock_create_ruleset=EOPNOTSUPP -- "${RUN[@]}" --backend landlock \
		-p :read-only -C "$WS" -- true 2>&1) && fail "ran without Landlock"
	expect_contains "$err" "lsm="
	# auto does not need it while bwrap works...
	out=$("$FAULT" landlock_create_ruleset=ENOSYS -- "${RUN[@]}" -p :read-only -C "$WS" -- sh -c "$(ran_cmd)")
	expect_eq ran "$out"
	# ...and refuses when nothing is left (no bwrap, no user namespaces
	# for the builtin backend, no Landlock).
	need_unshare
	rc=0
	out=$(PATH=$NOBWRAP without_userns "$FAULT" landlock_create_ruleset=ENOSYS -- "${RUN[@]}" \
		-p :read-only -C "$WS" -- sh -c "$(ran_cmd)" 2>"$T/err") || rc=$?
	expect_eq 125 "$rc"
	expect_eq "" "$out"
	expect_one_line "$(cat "$T/err")"
	expect_contains "$(cat "$T/err")" "no backend can enforce"
	expect_contains "$(cat "$T/err")" "builtin: user namespaces"
	expect_contains "$(cat "$T/err")" "landlock:"
	expect_no_marker
}

test_fault_proc_not_mountable() {
	need_unshare
	make_ws
	make_marker_dir
	# Containers mask parts of /proc (Docker: /proc/acpi, /proc/kcore...);
	# the kernel then refuses a fresh proc mount in a user namespace
	# (mount_too_revealing()). The same, in a scratch mount namespace.
	over=
	for d in /proc/driver /proc/acpi /proc/scsi /proc/tty; do
		[ -d "$d" ] && { over=$d; break; }
	done
	[ -n "$over" ] || skip "no /proc directory to mask here"
	out=$(unshare --user --map-root-user --mount sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' \
		sh "$over" "${RUN[@]}" -p :read-only -C "$WS" -- sh -c "$(ran_cmd); ls /proc | wc -l" 2>"$T/err")
	expect_eq "ran
0" "$out" "ran once, with an empty /proc (never the host's)"
	expect_eq 1 "$(grep -c 'retrying without /proc' "$T/err")" "warnings"
	expect_no_marker
}

e2e_backends once test_fault_no_bwrap_auto_falls_back_once \
	test_fault_no_bwrap_default_profile_is_never_weakened \
	test_fault_broken_bwrap_falls_back_and_never_runs_twice test_fault_killed_bwrap_is_not_retried \
	test_fault_bwrap_planted_in_workspace_is_not_used test_fault_user_namespaces_disabled \
	test_fault_landlock_unavailable test_fault_proc_not_mountable
