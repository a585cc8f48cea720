#!/usr/bin/env bash
# cordon run (builtin backend) against raw bwrap given the very argv that
# `cordon explain --format bwrap` prints, and against bare `true`.
# Target (issue 4): cordon builtin / raw bwrap <= 0.6 (median).
. "$(dirname "$0")/lib.sh"

raw=$(raw_bwrap_script -p :workspace)
json="$BENCH_TMP/builtin.json"
cd "$BENCH_WS"
hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$json" \
	-n "cordon run --backend builtin -p :workspace -- true" \
	"$CORDON run --no-user-config --backend builtin -p :workspace -- true" \
	-n "raw bwrap, same argv" "bash $raw" \
	-n "bash (to subtract from raw bwrap)" "bash -c true" \
	-n "true" "true" >/dev/null 2>&1

c=$(median_ms "$json" 0); b=$(median_ms "$json" 1); sh=$(median_ms "$json" 2); t=$(median_ms "$json" 3)
python3 - "$c" "$b" "$sh" "$t" <<'PY'
import sys
c, b, sh, t = map(float, sys.argv[1:])
raw = b - sh + t  # raw bwrap without the bash that launches it
print(f"median ms: cordon builtin {c:.2f}  raw bwrap {raw:.2f} (bash wrapper {b:.2f} minus bash {sh:.2f})  true {t:.2f}")
print(f"cordon builtin / raw bwrap = {c / raw:.3f}  (target <= 0.6)")
print(f"cordon builtin / true      = {c / t:.1f}")
PY
