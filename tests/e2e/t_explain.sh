# cordon explain: the policy engine as a user sees it.

test_explain_nearest_entry_wins() {
	cat >cfg.toml <<TOML
[permissions.dev.filesystem]
":root" = "read"
"/code" = "write"
"/code/.git" = "read"
"/code/secrets" = "none"
"/code/secrets/tmp" = "write"
TOML
	out=$(cordon explain --no-user-config --config cfg.toml -p dev /code /code/.git \
		/code/secrets /code/secrets/x /code/secrets/tmp /code/secrets/tmp/y /etc/passwd 2>/dev/null)
	expect_eq "write /code
read /code/.git
none /code/secrets
none /code/secrets/x
write /code/secrets/tmp
write /code/secrets/tmp/y
read /etc/passwd" "$out"
}

test_explain_workspace_profile() {
	mkdir ws
	d=$(cd ws && pwd -P)
	out=$(cordon explain --no-user-config -p :workspace -C "$d" "$d" "$d/.git" "$d/.git/config" \
		/etc/passwd /tmp/x)
	expect_eq "write $d
read $d/.git
read $d/.git/config
read /etc/passwd
write /tmp/x" "$out"
}

test_explain_default_profile_is_workspace() {
	mkdir ws
	d=$(cd ws && pwd -P)
	out=$(cd "$d" && HOME=$T cordon explain --no-user-config . /etc/passwd)
	expect_eq "write .
read /etc/passwd" "$out"
}

test_explain_json_has_schema_fields() {
	mkdir ws
	out=$(cordon explain --no-user-config -C ws --json ws/a)
	for k in '"version": 1' '"profile": ":workspace"' '"kind": "restricted"' '"entries"' \
		'"network"' '"mode": "off"' '"paths"' '"access": "write"'; do
		expect_contains "$out" "$k"
	done
}

test_explain_bad_toml_is_one_line_with_position() {
	printf 'a = 1\nb = = 2\n' >bad.toml
	err=$(cordon explain --no-user-config --config bad.toml 2>&1 >/dev/null) && fail "accepted bad TOML"
	expect_status 125 cordon explain --no-user-config --config bad.toml
	expect_one_line "$err"
	expect_contains "$err" "cordon: bad.toml:2:"
}

test_explain_bad_access_value_names_key() {
	printf '[permissions.x.filesystem]\n"/a" = "rwx"\n' >bad.toml
	err=$(cordon explain --no-user-config --config bad.toml -p x 2>&1 >/dev/null) && fail "accepted"
	expect_one_line "$err"
	expect_contains "$err" "cordon: bad.toml:2:"
	expect_status 125 cordon explain --no-user-config --config bad.toml -p x
}

test_explain_bad_flag_exit_125() {
	err=$(cordon explain --network sideways 2>&1) && fail "accepted"
	expect_one_line "$err"
	expect_contains "$err" "cordon: --network"
	expect_status 125 cordon explain --bogus-flag
	expect_status 125 cordon explain -p :no-such-profile
}

test_explain_bad_policy_json() {
	err=$(cordon explain --no-user-config --policy-json '{"type":"managed",' 2>&1) && fail "accepted"
	expect_one_line "$err"
	expect_contains "$err" "cordon: "
	expect_status 125 cordon explain --no-user-config --policy-json '{"type":"managed",'
}

test_explain_policy_json() {
	mkdir repo
	d=$(cd repo && pwd -P)
	touch repo/a.env
	json='{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"},{"path":{"type":"path","path":"'$d'"},"access":"write"},{"path":{"type":"glob_pattern","pattern":"'$d'/**/*.env"},"access":"none"}]},"network":"restricted"}'
	out=$(cordon explain --no-user-config --policy-json "$json" "$d/x" "$d/a.env" /etc)
	expect_eq "write $d/x
none $d/a.env
read /etc" "$out"
}

test_explain_override_changes_profile() {
	cat >cfg.toml <<TOML
[permissions.dev.filesystem]
":root" = "read"
TOML
	out=$(cordon explain --no-user-config --config cfg.toml -p dev \
		-c 'permissions.dev.filesystem."/opt"="write"' /opt/x)
	expect_eq "write /opt/x" "$out"
}

test_explain_extends_cycle_is_error() {
	cat >cfg.toml <<TOML
[permissions.a]
extends = "b"
[permissions.b]
extends = "a"
TOML
	err=$(cordon explain --no-user-config --config cfg.toml -p a 2>&1) && fail "accepted a cycle"
	expect_one_line "$err"
	expect_status 125 cordon explain --no-user-config --config cfg.toml -p a
}

test_explain_user_config_location() {
	mkdir -p home/cfg
	printf 'default_permissions = "ro"\n[permissions.ro]\nextends = ":read-only"\n' >home/cfg/config.toml
	out=$(CORDON_HOME=$T/home/cfg cordon explain /tmp/x)
	expect_eq "read /tmp/x" "$out"
}

test_explain_legacy_sandbox_mode() {
	mkdir ws
	printf 'sandbox_mode = "workspace-write"\n[sandbox_workspace_write]\nexclude_slash_tmp = true\n' >cfg.toml
	out=$(TMPDIR= cordon explain --no-user-config --config cfg.toml -C ws ws/x /tmp/x)
	expect_eq "write ws/x
read /tmp/x" "$out"
}

test_explain_unknown_key_warns_not_fails() {
	printf '[permissions.dev]\nfrobnicate = 1\n[permissions.dev.filesystem]\n":root" = "read"\n' >cfg.toml
	err=$(cordon explain --no-user-config --config cfg.toml -p dev /etc 2>&1 >/dev/null)
	expect_contains "$err" "warning"
	expect_contains "$err" "frobnicate"
	expect_eq "read /etc" "$(cordon explain --no-user-config --config cfg.toml -p dev /etc 2>/dev/null)"
}

# explain runs no sandbox.
e2e_backends once test_explain_nearest_entry_wins \
	test_explain_workspace_profile \
	test_explain_default_profile_is_workspace \
	test_explain_json_has_schema_fields \
	test_explain_bad_toml_is_one_line_with_position \
	test_explain_bad_access_value_names_key \
	test_explain_bad_flag_exit_125 \
	test_explain_bad_policy_json \
	test_explain_policy_json \
	test_explain_override_changes_profile \
	test_explain_extends_cycle_is_error \
	test_explain_user_config_location \
	test_explain_legacy_sandbox_mode \
	test_explain_unknown_key_warns_not_fails
