# Helpers for e2e tests. Tests run with `set -eu` in their own directory $T.

# Which backends a test applies to. run.sh runs the suite once per backend
# under test (CORDON_E2E_BACKEND, which lib.sh passes to every `cordon
# run`); a test that checks something only some backends provide declares
# it next to its definition, and the other passes leave it out (it is
# neither run nor counted as a skip):
#   e2e_backends "bwrap builtin" test_a test_b   # needs the sandbox's own mounts
#   e2e_backends once test_c                     # picks its backend itself
# "once" runs in the default pass only (CORDON_E2E_BACKEND unset). Without
# a declaration a test applies to every backend.
declare -gA E2E_APPLIES=()
e2e_backends() {
	local list=$1 t
	shift
	for t in "$@"; do E2E_APPLIES[$t]=$list; done
}
# Namespace backends: a mount namespace of their own (masks, /dev, /proc),
# pid and network namespaces.
E2E_NS="bwrap builtin"

# e2e_applies TEST : whether TEST runs in this pass.
e2e_applies() {
	local list=${E2E_APPLIES[$1]:-}
	[ -z "$list" ] && return 0
	if [ "$list" = once ]; then
		[ -z "${CORDON_E2E_BACKEND:-}" ]
		return
	fi
	[ -z "${CORDON_E2E_BACKEND:-}" ] && return 0
	[[ " $list " == *" $CORDON_E2E_BACKEND "* ]]
}

cordon() { "$CORDON" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }

# expect_status STATUS CMD... : runs CMD, checks its exit status.
expect_status() {
	local want=$1 got=0
	shift
	"$@" || got=$?
	[ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $*"
}

# expect_fail CMD... : the command ran in its sandbox and failed (not 0, and
# not 125, which would mean cordon refused to run it at all).
expect_fail() {
	local got=0
	"$@" 2>/dev/null || got=$?
	[ "$got" -ne 0 ] && [ "$got" -ne 125 ] || fail "expected the command to fail inside the sandbox, got exit $got: $*"
}

# expect_eq WANT GOT [WHAT]
expect_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: expected [$1], got [$2]"
}

# expect_contains HAYSTACK NEEDLE
expect_contains() {
	case "$1" in
	*"$2"*) ;;
	*) fail "expected output to contain [$2]; got [$1]" ;;
	esac
}

# expect_one_line TEXT : cordon's errors are exactly one line.
expect_one_line() {
	[ "$(printf '%s\n' "$1" | grep -c '')" -eq 1 ] || fail "expected one line, got: [$1]"
}

# A workspace directory (canonical path) in $T.
make_ws() {
	mkdir -p "$T/ws"
	WS=$(cd "$T/ws" && pwd -P)
}

# `cordon run` without the user's own config, on the backend under test.
# An array, not a function, so that `"${RUN[@]}" … &` makes $! cordon itself.
RUN=("$CORDON" run --no-user-config ${CORDON_E2E_BACKEND:+--backend "$CORDON_E2E_BACKEND"})
crun() { "${RUN[@]}" "$@"; }

# A config with one profile "t" made of the TOML lines given on stdin
# under [permissions.t.filesystem].
profile_t() {
	{
		echo '[permissions.t.filesystem]'
		cat
	} >"$T/t.toml"
}
trun() { "${RUN[@]}" --config "$T/t.toml" -p t "$@"; }

# Fails unless no file or directory under DIR changed name since the
# listing SNAPSHOT was taken with `snapshot DIR`.
snapshot() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort); }
