#!/usr/bin/env bash
# Proxy mode (network.mode = "proxy"): what the bridge and the proxy cost.
#   bench/proxy.sh [PATH/TO/cordon]
# 1. Bulk transfer: curl downloads BENCH_BYTES (default 1 GiB) of zeros from
#    a loopback server, directly on the host and from inside a proxy-mode
#    sandbox through the HTTP proxy (absolute-form), CONNECT and SOCKS5;
#    MB/s, best of BENCH_RUNS (default 3).
# 2. Connection set-up: BENCH_CONNS (default 1000) sequential connections,
#    each one small request and its answer, directly and through CONNECT
#    and SOCKS5; the median added milliseconds per connection.
# Targets (README): throughput >= 0.5x direct; added median set-up < 1 ms.
set -eu
cd "$(dirname "$0")/.."
CORDON=$(readlink -f "${1:-build/cordon}")
BYTES=${BENCH_BYTES:-1073741824}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNS:-1000}
PY=$(command -v /usr/bin/python3 || command -v python3)
work=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT

"$PY" bench/stream_server.py >"$work/port" &
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")

cat >"$work/bench.toml" <<EOT
[permissions.bench]
extends = ":workspace"
[permissions.bench.network]
mode = "proxy"
[permissions.bench.network.domains]
"127.0.0.1" = "allow"
EOT
sandbox() { "$CORDON" run --no-user-config --config "$work/bench.toml" -p bench -C "$work" -- "$@"; }

best() { sort -g | tail -n1; }
speed() { # curl options... -> bytes/s
	curl -s -o /dev/null -w '%{speed_download}\n' "$@"
}

url=http://127.0.0.1:$port/$BYTES
direct=$(for _ in $(seq "$RUNS"); do speed "$url"; done | best)
# Inside, NO_PROXY names 127.0.0.1 (the sandbox's own loopback), so the
# proxy is asked for explicitly.
read -r http connect socks < <(sandbox sh -c '
	best() { sort -g | tail -n1; }
	sp() { curl -s --noproxy "" -o /dev/null -w "%{speed_download}\n" "$@"; }
	h=$(for i in $(seq '"$RUNS"'); do sp -x "$HTTP_PROXY" '"$url"'; done | best)
	c=$(for i in $(seq '"$RUNS"'); do sp -p -x "$HTTP_PROXY" '"$url"'; done | best)
	s=$(for i in $(seq '"$RUNS"'); do sp -x "$ALL_PROXY" '"$url"'; done | best)
	echo "$h $c $s"')

mbs() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "bulk transfer, $((BYTES >> 20)) MiB, best of $RUNS (MB/s)"
printf '  %-22s %8s\n' "direct loopback" "$(mbs "$direct")"
printf '  %-22s %8s  %sx\n' "proxy: HTTP forward" "$(mbs "$http")" "$(ratio "$http" "$direct")"
printf '  %-22s %8s  %sx\n' "proxy: CONNECT" "$(mbs "$connect")" "$(ratio "$connect" "$direct")"
printf '  %-22s %8s  %sx\n' "proxy: SOCKS5" "$(mbs "$socks")" "$(ratio "$socks" "$direct")"

read -r d_med d_p90 < <("$PY" bench/proxy_latency.py direct "$port" "$CONNS")
read -r c_med c_p90 s_med s_p90 < <(sandbox sh -c "
	echo \$($PY $PWD/bench/proxy_latency.py connect $port $CONNS) \$($PY $PWD/bench/proxy_latency.py socks $port $CONNS)")
echo "connection set-up, $CONNS sequential connections (ms: median, p90)"
printf '  %-22s %7s %7s\n' "direct loopback" "$d_med" "$d_p90"
printf '  %-22s %7s %7s  +%s ms median\n' "proxy: CONNECT" "$c_med" "$c_p90" \
	"$(awk -v a="$c_med" -v b="$d_med" 'BEGIN { printf "%.3f", a - b }')"
printf '  %-22s %7s %7s  +%s ms median\n' "proxy: SOCKS5" "$s_med" "$s_p90" \
	"$(awk -v a="$s_med" -v b="$d_med" 'BEGIN { printf "%.3f", a - b }')"
