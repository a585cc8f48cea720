# cordon bwrap: bubblewrap's command line on the builtin executor.
# bubblewrap's own test suite is tests/bwrap-compat/run.sh (it needs a
# clone of bubblewrap); these check the essentials in every run.

# A symlink named bwrap to cordon: cordon then behaves as bwrap.
bwrap_link() {
	mkdir -p "$T/bin"
	ln -sf "$CORDON" "$T/bin/bwrap"
	BW="$T/bin/bwrap"
}

test_bwrap_help_names_argv0_and_refuses_by_name() {
	bwrap_link
	out=$("$BW" --help)
	expect_contains "$out" "usage: $BW "
	out=$(cordon bwrap --help)
	expect_contains "$out" "usage: cordon bwrap "
	expect_contains "$("$BW" --version)" "bubblewrap "
	err=$("$BW" --userns 3 true 2>&1) && fail "accepted --userns"
	expect_status 1 "$BW" --userns 3 true
	expect_one_line "$err"
	expect_contains "$err" "--userns"
	expect_status 1 "$BW" --no-such-option true
	expect_status 1 "$BW" --bind / /
}

test_bwrap_mounts_and_statuses() {
	bwrap_link
	mkdir -p "$T/ro"
	echo hi >"$T/ro/f"
	out=$("$BW" --ro-bind / / --tmpfs /tmp --dev /dev --proc /proc --unshare-pid \
		--ro-bind-try "$T/missing" /nowhere --bind "$T/ro" /tmp/rw \
		sh -c 'cat /tmp/rw/f; touch /usr/x 2>/dev/null && echo WROTE; echo ok > /tmp/rw/g; echo $$')
	expect_eq "hi
2" "$out"
	expect_eq ok "$(cat "$T/ro/g")"
	expect_status 42 "$BW" --bind / / sh -c 'exit 42'
	expect_status 143 "$BW" --bind / / --unshare-pid sh -c 'kill -TERM $$'
	err=$("$BW" --bind "$T/missing" /x true 2>&1) && fail "bound a missing source"
	expect_contains "$err" "bwrap: Can't find source path $T/missing"
}

test_bwrap_json_status_and_info_fd() {
	bwrap_link
	rc=0
	"$BW" --unshare-all --info-fd 8 --json-status-fd 9 --bind / / -- sh -c 'exit 3' \
		8>"$T/info" 9>"$T/status" || rc=$?
	expect_eq 3 "$rc" "exit status"
	expect_contains "$(cat "$T/info")" '"child-pid": '
	expect_contains "$(cat "$T/status")" '"exit-code": 3'
	expect_contains "$(cat "$T/status")" '"net-namespace": '
	# An exec that fails reports no exit code.
	"$BW" --json-status-fd 9 --bind / / / 9>"$T/status2" 2>/dev/null && fail "executed /"
	case "$(cat "$T/status2")" in *exit-code*) fail "exit-code after a failed exec" ;; esac
	true
}

test_bwrap_environment_and_cwd() {
	bwrap_link
	out=$(cd "$T" && FOO=wrong "$BW" --bind / / --clearenv --setenv A 1 /usr/bin/env | sort)
	expect_eq "A=1
PWD=$(cd "$T" && pwd -P)" "$out"
	out=$("$BW" --bind / / --chdir /usr --argv0 zzz sh -c 'echo "$PWD $0"')
	expect_eq "/usr zzz" "$out"
}
