# Sourced by scripts/demo and scripts/test: makes sure the Debian 12
# packages that cordon needs are installed. As root it installs what is
# missing; otherwise it prints the exact apt-get line and stops.

# Build and run.
CORDON_BUILD_DEPS="gcc libc6-dev meson ninja-build pkg-config libseccomp-dev libjansson-dev libevent-dev bubblewrap ripgrep"
# Tests: unit tests, fuzzers, and the programs the e2e tests run inside sandboxes.
CORDON_TEST_DEPS="libcriterion-dev clang libclang-rt-14-dev git curl wget python3 iproute2 openssh-client procps util-linux passwd"

cordon_missing_packages() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing="$missing $p"
	done
	printf '%s' "${missing# }"
}

cordon_ensure_packages() {
	local missing
	missing=$(cordon_missing_packages "$@")
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "cordon: missing Debian packages; install them with:" >&2
		echo "  sudo apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
	echo "cordon: installing: $missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine or container may have no package lists yet.
	# shellcheck disable=SC2086
	if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
		apt-get update -qq >/dev/null &&
			apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
			{ echo "cordon: apt-get install $missing failed" >&2; exit 1; }
	fi
}
