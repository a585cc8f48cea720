# cordon explain --format seatbelt: the macOS profile, printed on any platform.
# Nothing here runs sandbox-exec (there is none on Linux): the printed
# command line is run with a stand-in that checks its arguments.

# The sandbox-exec argv as the printed shell command gives it, checked:
# -D NAME=VALUE parameters, one -p profile with no path of ours in it.
fake_sandbox_exec() {
	local profile= params=
	while [ $# -gt 0 ]; do
		case $1 in
		-D) params="$params
$2"; shift 2 ;;
		-p) profile=$2; shift 2 ;;
		--) shift; break ;;
		*) fail "unexpected sandbox-exec argument [$1]" ;;
		esac
	done
	case $profile in *wsq*) fail "a path is part of the profile text" ;; esac
	expect_contains "$profile" "(version 1)"
	expect_contains "$profile" "(deny default)"
	printf '%s\n' "$params" >params.out
	"$@"
}

test_explain_seatbelt_is_one_runnable_command() {
	# A quote and a space in the path: the line must still be one command.
	mkdir "wsq 'x"
	d=$(cd "wsq 'x" && pwd -P)
	out=$(cordon explain --no-user-config -C "$d" --format seatbelt -- printf '%s\n' ok)
	expect_contains "$out" "/usr/bin/sandbox-exec"
	# `env` cannot run a shell function: keep its assignments, drop the word.
	got=$(eval "$(printf '%s\n' "$out" | sed -e '1s|^env ||' \
		-e 's|/usr/bin/sandbox-exec|fake_sandbox_exec|')")
	expect_eq ok "$got"
	case $d in /tmp/* | /var/* | /etc/*) d=/private$d ;; esac
	expect_contains "$(cat params.out)" "WRITABLE_ROOT_"
	expect_contains "$(cat params.out)" "=$d"
}

test_explain_seatbelt_environment_and_network() {
	mkdir ws
	out=$(cordon explain --no-user-config -C ws --format seatbelt)
	expect_contains "$out" "env CORDON_SANDBOX=seatbelt CORDON_SANDBOX_NETWORK_DISABLED=1"
	expect_contains "$out" "-- COMMAND"
	out=$(cordon explain --no-user-config -C ws --network on --format seatbelt)
	expect_contains "$out" "(allow network*)"
	case $out in *NETWORK_DISABLED*) fail "network on, yet NETWORK_DISABLED is set" ;; esac
}

test_explain_bad_format_names_seatbelt() {
	err=$(cordon explain --no-user-config --format nope 2>&1 >/dev/null) && fail "accepted --format nope"
	expect_one_line "$err"
	expect_contains "$err" "seatbelt"
}
