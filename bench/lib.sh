# Shared by the bench scripts: where things are, and how to read hyperfine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CORDON=$(readlink -f "${CORDON:-$here/../build/cordon}")
RUNS=${RUNS:-100}
[ -x "$CORDON" ] || { echo "bench: build cordon first (meson setup build && ninja -C build)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

# A workspace outside /tmp, so that :workspace binds it separately, as a
# real project would be.
BENCH_WS=$(mktemp -d "${HOME:-/root}/cordon-bench.XXXXXX")
BENCH_TMP=$(mktemp -d)
: >"$BENCH_TMP/created"
# Raw bwrap creates on the host the mount points of masks for missing paths
# (cordon itself tracks and removes them); remove the ones that appeared.
cleanup() {
	while read -r d; do [ -n "$d" ] && rmdir "$d" 2>/dev/null; done <"$BENCH_TMP/created"
	rm -rf "$BENCH_WS" "$BENCH_TMP"
}
trap cleanup EXIT

# median_ms JSON-FILE INDEX : hyperfine's median of one command, in ms.
median_ms() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; print("%.3f" % (r["median"]*1000))' "$1" "$2"
}

# raw_bwrap_script PROFILE-ARGS... : writes a shell script that runs raw bwrap
# with the very argv `cordon explain --format bwrap` prints, giving it the
# descriptors it names (the seccomp filter, the status pipe, the block
# pipe, /dev/null for empty files), and echoes its path.
raw_bwrap_script() {
	local line script="$BENCH_TMP/raw-bwrap.sh"
	(cd "$BENCH_WS" && "$CORDON" explain --no-user-config --format seccomp-bpf "$@") >"$BENCH_TMP/filter.bpf"
	line=$(cd "$BENCH_WS" && "$CORDON" explain --no-user-config --format bwrap "$@" -- true)
	grep -o -- '--perms 0555 --tmpfs [^ ]*' <<<"$line" | awk '{print $4}' | while read -r d; do
		[ -e "$d" ] || echo "$d" >>"$BENCH_TMP/created"
	done
	{
		echo "cd '$BENCH_WS'"
		printf 'exec %s' "$line"
		grep -o -- '--seccomp [0-9]*' <<<"$line" | awk -v f="$BENCH_TMP/filter.bpf" '{printf " %s<%s", $2, f}'
		grep -o -- '--json-status-fd [0-9]*' <<<"$line" | awk '{printf " %s>/dev/null", $2}'
		# EOF on --block-fd lets the command start at once.
		grep -o -- '--block-fd [0-9]*' <<<"$line" | awk '{printf " %s</dev/null", $2}'
		grep -o -- '--ro-bind-data [0-9]*' <<<"$line" | awk '{printf " %s</dev/null", $2}'
		echo
	} >"$script"
	echo "$script"
}

# vs_raw_bwrap BACKEND TARGET : `cordon run --backend BACKEND -p :workspace
# -- true`, raw bwrap with the argv `cordon explain --format bwrap` prints
# for the same profile, and bare `true`, in one hyperfine session; prints
# the medians and cordon / raw bwrap against TARGET.
vs_raw_bwrap() {
	local backend=$1 target=$2 raw json c b sh t
	raw=$(raw_bwrap_script -p :workspace)
	json="$BENCH_TMP/$backend.json"
	(
		cd "$BENCH_WS"
		hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$json" \
			-n "cordon run --backend $backend -p :workspace -- true" \
			"$CORDON run --no-user-config --backend $backend -p :workspace -- true" \
			-n "raw bwrap, same argv" "bash $raw" \
			-n "bash (to subtract from raw bwrap)" "bash -c true" \
			-n "true" "true" >/dev/null 2>&1
	)
	c=$(median_ms "$json" 0); b=$(median_ms "$json" 1); sh=$(median_ms "$json" 2); t=$(median_ms "$json" 3)
	python3 - "$backend" "$target" "$c" "$b" "$sh" "$t" <<'PY'
import sys
backend, target = sys.argv[1], float(sys.argv[2])
c, b, sh, t = map(float, sys.argv[3:])
raw = b - sh + t  # raw bwrap without the bash that launches it
print(f"median ms: cordon ({backend}) {c:.2f}  raw bwrap {raw:.2f} (bash wrapper {b:.2f} minus bash {sh:.2f})  true {t:.2f}")
print(f"cordon ({backend}) / raw bwrap = {c / raw:.3f}  (target <= {target:g})")
print(f"cordon ({backend}) / true      = {c / t:.1f}")
PY
}
