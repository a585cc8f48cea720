#!/usr/bin/env bash
# What the landlock backend costs: `cordon run --backend landlock -p
# :read-only -- /bin/true` against bare /bin/true, with the steps in
# between to show where the time goes:
#   env /bin/true    two execs: the floor of any launcher that is a program
#   cordon version   exec'ing cordon itself (its libraries, no work)
#   cordon explain   + config, profile resolution, the host-socket scan
#   landlock run     + Landlock ruleset, seccomp filter, the supervised child
#   bwrap run        the same profile with bwrap, for comparison
#
#   bench/landlock.sh [PATH/TO/cordon]     (RUNS=200 by default, at least 50)
#
# Medians, from hyperfine -N (no shell in between). Target: landlock run
# <= 2.5 x bare /bin/true. A benchmark, not a test: it always exits 0 once
# it has measured.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cordon=$(readlink -f "${1:-$here/../build/cordon}")
runs=${RUNS:-200}
[ "$runs" -ge 50 ] || runs=50
command -v hyperfine >/dev/null || { echo "bench: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }
[ -x "$cordon" ] || { echo "bench: no cordon at $cordon" >&2; exit 2; }

ws=$(mktemp -d "${TMPDIR:-/tmp}/cordon-bench.XXXXXX")
out=$(mktemp)
trap 'rm -rf "$ws" "$out"' EXIT
cd "$ws"

"$cordon" run --no-user-config --backend landlock -p :read-only -- /bin/true ||
	{ echo "bench: the landlock backend does not run here (see cordon doctor)" >&2; exit 2; }
cmds=(
	"/bin/true"
	"/usr/bin/env /bin/true"
	"$cordon version"
	"$cordon explain --no-user-config -p :read-only /"
	"$cordon run --no-user-config --backend landlock -p :read-only -- /bin/true"
)
names=("bare /bin/true" "env /bin/true" "cordon version" "cordon explain" "landlock run")
if "$cordon" run --no-user-config --backend bwrap -p :read-only -- /bin/true 2>/dev/null; then
	cmds+=("$cordon run --no-user-config --backend bwrap -p :read-only -- /bin/true")
	names+=("bwrap run")
fi

hyperfine -N --warmup 20 --runs "$runs" --export-json "$out" "${cmds[@]}" >/dev/null 2>&1
python3 - "$out" "${names[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2:]
base = results[0]["median"]
print(f"{'':16} {'median':>9} {'x bare':>7}   (min, max over {len(results[0]['times'])} runs)")
for name, r in zip(names, results):
    print(f"{name:16} {r['median'] * 1e3:7.3f}ms {r['median'] / base:6.2f}x   "
          f"({r['min'] * 1e3:.3f}, {r['max'] * 1e3:.3f})")
ratio = results[4]["median"] / base
print(f"landlock run / bare /bin/true = {ratio:.2f}x (target <= 2.5x: {'met' if ratio <= 2.5 else 'missed'})")
PY
