# cordon doctor: facts about this machine, and the backend `run` would use.

doctor() { "$CORDON" doctor --no-user-config "$@"; }

# doctor_json_get EXPR : evaluates a Python expression over the JSON on stdin (as d).
doctor_json_get() {
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

test_doctor_text_is_one_fact_per_line() {
	make_ws
	out=$(doctor -C "$WS")
	while IFS= read -r line; do
		case "$line" in
		*": "*) ;;
		*) fail "not a 'fact: value' line: [$line]" ;;
		esac
	done <<<"$out"
	expect_contains "$out" "landlock: "
	expect_contains "$out" "user namespaces: "
	expect_contains "$out" "profile: :workspace"
	expect_contains "$out" "cordon run would use: "
}

test_doctor_json_schema() {
	make_ws
	doctor --json -C "$WS" >"$T/d.json"
	python3 - "$T/d.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1
b = d["bwrap"]
assert set(b) == {"path", "version", "setuid", "missing_options", "sandbox", "error"}, b
assert b["sandbox"] in (None, "ok", "ok_without_proc", "failed")
u = d["user_namespaces"]
assert isinstance(u["usable"], bool) and isinstance(u["cause"], str)
assert u["usable"] == (u["cause"] == "ok")
assert isinstance(d["proc_mount"]["usable"], bool)
l = d["landlock"]
assert l["abi"] is None or l["abi"] >= 1
assert [f["abi"] for f in l["features"]] == list(range(1, len(l["features"]) + 1))
for f in l["features"]:
    assert set(f) == {"abi", "name", "kernel", "adds", "available"}, f
assert isinstance(d["seccomp"]["available"], bool)
assert d["wsl"] in (None, 1, 2)
k = d["backend"]
assert k["profile"] == ":workspace" and k["requested"] == "auto"
assert [s["backend"] for s in k["steps"]] == ["bwrap", "builtin", "landlock"]
for s in k["steps"]:
    assert s["usable"] == (s["reason"] is None), s
assert k["selected"] in (None, "bwrap", "builtin", "landlock")
PY
}

test_doctor_exit_status_follows_the_choice() {
	make_ws
	doctor -C "$WS" >/dev/null && rc=0 || rc=$?
	sel=$(doctor --json -C "$WS" | doctor_json_get 'd["backend"]["selected"]' || true)
	if [ "$sel" = None ]; then expect_eq 1 "$rc"; else expect_eq 0 "$rc"; fi
}

test_doctor_without_any_backend_exits_1() {
	need_unshare
	fault_helper
	make_ws
	make_path_without_bwrap
	rc=0
	# No bwrap, no user namespaces (builtin), no Landlock.
	PATH=$NOBWRAP without_userns "$FAULT" landlock_create_ruleset=ENOSYS -- "$CORDON" doctor \
		--no-user-config --json -p :read-only -C "$WS" >"$T/d.json" || rc=$?
	expect_eq 1 "$rc"
	expect_eq None "$(doctor_json_get 'd["backend"]["selected"]' <"$T/d.json")"
	expect_eq None "$(doctor_json_get 'd["bwrap"]["path"]' <"$T/d.json")"
	expect_eq None "$(doctor_json_get 'd["landlock"]["abi"]' <"$T/d.json")"
	expect_contains "$(doctor_json_get 'd["landlock"]["error"]' <"$T/d.json")" "Landlock"
	out=$(PATH=$NOBWRAP without_userns "$FAULT" landlock_create_ruleset=ENOSYS -- "$CORDON" \
		doctor --no-user-config -p :read-only -C "$WS") && fail "exit 0 without a backend"
	expect_contains "$out" "bwrap: not found on PATH"
	expect_contains "$out" "cordon run would use: nothing"
}

test_doctor_names_the_user_namespace_cause_and_fix() {
	need_unshare
	make_ws
	without_userns "$CORDON" doctor --no-user-config --json -p :read-only -C "$WS" >"$T/d.json" || true
	expect_eq max_user_namespaces "$(doctor_json_get 'd["user_namespaces"]["cause"]' <"$T/d.json")"
	expect_contains "$(doctor_json_get 'd["user_namespaces"]["fix"]' <"$T/d.json")" \
		"sysctl -w user.max_user_namespaces="
	expect_eq False "$(doctor_json_get 'd["backend"]["steps"][0]["usable"]' <"$T/d.json")"
	out=$(without_userns "$CORDON" doctor --no-user-config -p :read-only -C "$WS" || true)
	expect_contains "$out" "user namespaces: refused: user namespaces are disabled: user.max_user_namespaces = 0"
	expect_contains "$out" "user namespaces fix: sysctl -w user.max_user_namespaces="
}

test_doctor_says_why_landlock_cannot_enforce_the_default_profile() {
	make_ws
	git -C "$WS" init -q
	out=$(doctor -C "$WS" || true)
	line=$(grep '^backend landlock:' <<<"$out")
	abi=$(doctor --json -C "$WS" | doctor_json_get 'd["landlock"]["abi"]' || true)
	[ "$abi" != None ] || skip "no Landlock here"
	expect_contains "$line" "not usable: cannot enforce $WS/.git"
	expect_contains "$(doctor -p :read-only -C "$WS")" "backend landlock: usable"
}

e2e_backends once test_doctor_text_is_one_fact_per_line test_doctor_json_schema \
	test_doctor_exit_status_follows_the_choice test_doctor_without_any_backend_exits_1 \
	test_doctor_names_the_user_namespace_cause_and_fix \
	test_doctor_says_why_landlock_cannot_enforce_the_default_profile
