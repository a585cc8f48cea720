#!/usr/bin/env bash
# bubblewrap's own test suite (tests/test-run.sh at tag v0.8.0) against
# `cordon bwrap`, and against the system's bwrap for comparison:
#   tests/bwrap-compat/run.sh [PATH/TO/cordon]
# The suite is taken from a local clone of bubblewrap: $BWRAP_REPO, else
# /work/.mirror/containers+bubblewrap/repo. Nothing is downloaded; without
# a clone the run is skipped (exit 77) and says so. As root it runs the
# suite as an unprivileged user ($CORDON_COMPAT_USER, default cordon-e2e,
# created when missing), as bubblewrap's CI does for the unprivileged case.
# Last line: "bwrap-compat: cordon N ok, bwrap M ok (of 58)".
set -u
here=$(cd "$(dirname "$0")" && pwd)
cordon=$(readlink -f "${1:-$here/../../build/cordon}")
ref=${BWRAP_TESTS_REF:-v0.8.0}
repo=${BWRAP_REPO:-/work/.mirror/containers+bubblewrap/repo}
user=${CORDON_COMPAT_USER:-cordon-e2e}

[ -x "$cordon" ] || { echo "bwrap-compat: no cordon binary at $cordon" >&2; exit 2; }
if ! git -C "$repo" rev-parse --verify -q "$ref^{commit}" >/dev/null 2>&1; then
	echo "bwrap-compat: SKIP: no bubblewrap clone with $ref at $repo (set BWRAP_REPO to one;" \
		"this script never downloads)"
	exit 77
fi

work=$(mktemp -d /tmp/cordon-bwrap-compat.XXXXXX)
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive "$ref" tests | tar -x -C "$work"
# The binary under test, reachable by the unprivileged user, and a symlink
# named bwrap to it: cordon behaves as bwrap when started under that name.
mkdir "$work/bin"
cp "$cordon" "$work/bin/cordon"
ln -s cordon "$work/bin/bwrap"
chmod -R a+rX "$work"

run_suite() { # BWRAP-PATH LOG
	local cmd=(env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 BWRAP="$1")
	if [ "$(id -u)" -eq 0 ]; then
		id "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
		cmd=(runuser -u "$user" -- "${cmd[@]}" HOME="$(getent passwd "$user" | cut -d: -f6)")
	else
		cmd+=(HOME="$HOME")
	fi
	(cd "$work" && "${cmd[@]}" bash "$work/tests/test-run.sh") >"$2.out" 2>"$2.err"
}

rc=0
run_suite "$work/bin/bwrap" "$work/cordon"
mine=$(grep -c '^ok' "$work/cordon.out")
sed -n 's/^\(ok\|not ok\)/&/p' "$work/cordon.out"
if ! grep -q '^ok - End of test' "$work/cordon.out"; then
	echo "bwrap-compat: the suite stopped early; its last lines:"
	tail -n 30 "$work/cordon.err" | sed 's/^/#   /'
	rc=1
fi

theirs=-
if command -v bwrap >/dev/null 2>&1; then
	run_suite "$(command -v bwrap)" "$work/bwrap"
	theirs=$(grep -c '^ok' "$work/bwrap.out")
	if ! diff <(grep '^ok' "$work/bwrap.out") <(grep '^ok' "$work/cordon.out") >"$work/diff"; then
		echo "bwrap-compat: results differ from $(command -v bwrap) (< bwrap, > cordon):"
		sed 's/^/#   /' "$work/diff"
		rc=1
	fi
fi
total=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$work/cordon.out" | head -n1)
echo "bwrap-compat: cordon $mine ok, bwrap $theirs ok (of ${total:-?})"
[ "$mine" = "${total:-x}" ] || rc=1
exit $rc
