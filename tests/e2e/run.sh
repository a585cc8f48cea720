#!/usr/bin/env bash
# Runs the e2e suite against a built cordon binary:
#   tests/e2e/run.sh [PATH/TO/cordon] [FILTER-REGEX]
# Each test is a shell function named test_* in a t_*.sh file next to this
# script. It runs in its own session (so that a watchdog can kill all it
# started) and its own temporary directory ($T): exit 0 passes, exit 77
# skips (with a reason on the last line), anything else fails.
# With CORDON_MUST_WORK=1 a skip counts as a failure, as in CI.
# CORDON_E2E_BACKEND, when set, is passed to every `cordon run` as --backend,
# and only the tests that apply to that backend run (see e2e_backends in
# lib.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)

load_tests() {
	. "$here/lib.sh"
	for f in "$here"/t_*.sh; do
		# shellcheck disable=SC1090
		. "$f"
	done
}

# Internal: run.sh --one CORDON TEST DIR
if [ "${1:-}" = --one ]; then
	CORDON=$2
	T=$4
	export CORDON T
	load_tests
	cd "$T" || exit 1
	set -eu
	"$3"
	exit 0
fi

CORDON=$(readlink -f "${1:-$here/../../build/cordon}")
filter=${2:-${E2E_FILTER:-}}
limit=${CORDON_E2E_TEST_TIMEOUT:-180}
[ -x "$CORDON" ] || { echo "e2e: no cordon binary at $CORDON" >&2; exit 2; }
load_tests

passed=0 failed=0 skipped=0 n=0 na=0
base=$(mktemp -d "${TMPDIR:-/tmp}/cordon-e2e.XXXXXX")
for t in $(declare -F | awk '{print $3}' | grep '^test_' | sort); do
	[ -n "$filter" ] && ! [[ $t =~ $filter ]] && continue
	if ! e2e_applies "$t"; then
		na=$((na + 1))
		continue
	fi
	n=$((n + 1))
	mkdir -p "$base/$t"
	log="$base/$t.log"
	started=$(date +%s%N)
	setsid "$0" --one "$CORDON" "$t" "$base/$t" >"$log" 2>&1 </dev/null &
	pid=$!
	# The watchdog takes its sleep down with it when stopped: a sleep left
	# behind would hold run.sh's output open for $limit seconds.
	(
		trap 'kill "$nap" 2>/dev/null; exit 0' TERM
		sleep "$limit" >/dev/null 2>&1 </dev/null &
		nap=$!
		wait "$nap" || exit 0
		echo "e2e: watchdog: killed after ${limit}s" >>"$log"
		kill -KILL -- -"$pid"
	) 2>/dev/null &
	watchdog=$!
	wait "$pid"
	rc=$?
	kill "$watchdog" 2>/dev/null
	wait "$watchdog" 2>/dev/null
	# Whatever the test left running in its session (listeners, jobs).
	kill -KILL -- -"$pid" 2>/dev/null
	took=$(( ($(date +%s%N) - started) / 1000000 ))ms
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - $t ($took)"
	elif [ $rc -eq 77 ]; then
		reason=$(tail -n1 "$log")
		if [ "${CORDON_MUST_WORK:-0}" = 1 ]; then
			failed=$((failed + 1))
			echo "not ok $n - $t # SKIP not allowed (CORDON_MUST_WORK=1): $reason"
		else
			skipped=$((skipped + 1))
			echo "ok $n - $t # SKIP $reason"
		fi
	else
		failed=$((failed + 1))
		echo "not ok $n - $t (exit $rc, $took)"
		tail -n 25 "$log" | sed 's/^/#   /'
	fi
done
# Some tests leave read-only trees; make them removable.
chmod -R u+rwX "$base" 2>/dev/null
rm -rf "$base"
echo "e2e: $passed passed, $failed failed, $skipped skipped${CORDON_E2E_BACKEND:+ (backend $CORDON_E2E_BACKEND; $na tests do not apply to it)}"
[ $failed -eq 0 ]
