# cordon run: filesystem rules. Each test tries to break one rule.

test_run_readonly_profile_reads_root_but_cannot_write() {
	make_ws
	out=$(crun -p :read-only -C "$WS" -- cat /etc/hostname /etc/passwd | head -n1)
	[ -n "$out" ] || fail "could not read /etc"
	expect_fail crun -p :read-only -C "$WS" -- sh -c 'echo x > ./f'
	[ ! -e "$WS/f" ] || fail "wrote into the workspace under :read-only"
}

test_run_workspace_write_inside_not_outside() {
	make_ws
	outside=$(mktemp -d "$HOME/cordon-e2e-outside.XXXXXX")
	crun -C "$WS" -- sh -c 'echo hi > inside.txt'
	expect_eq hi "$(cat "$WS/inside.txt")"
	expect_fail crun -C "$WS" -- sh -c "echo x > '$outside/f'"
	expect_fail crun -C "$WS" -- sh -c "mkdir '$outside/d'"
	expect_fail crun -C "$WS" -- sh -c "rm -rf '$outside'"
	[ -d "$outside" ] && [ -z "$(ls -A "$outside")" ] || fail "changed $outside"
	expect_fail crun -C "$WS" -- sh -c 'echo x >> /etc/passwd'
	rmdir "$outside"
}

test_run_slash_tmp_writable_in_workspace_profile() {
	make_ws
	f=$(mktemp -u /tmp/cordon-e2e-tmp.XXXXXX)
	crun -C "$WS" -- sh -c "echo ok > $f"
	expect_eq ok "$(cat "$f")"
	rm -f "$f"
}

test_run_dev_devices() {
	make_ws
	crun -C "$WS" -- sh -c 'echo x > /dev/null'
	for d in null zero full random urandom tty; do
		crun -C "$WS" -- test -c /dev/$d || fail "/dev/$d is not a character device"
	done
	# Only the minimal set: no disks.
	out=$(crun -C "$WS" -- ls /dev)
	case "$out" in *sda* | *vda* | *nvme* | *mem*) fail "host devices visible: $out" ;; esac
}

test_run_dev_shm_writable_root_persists() {
	make_ws
	name=cordon-e2e-$$-$RANDOM
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"/dev/shm" = "write"
TOML
	trun -C "$WS" -- sh -c "echo persisted > /dev/shm/$name"
	expect_eq persisted "$(cat /dev/shm/$name)"
	rm -f "/dev/shm/$name"
}

test_run_git_metadata_is_read_only() {
	make_ws
	git -C "$WS" init -q
	mkdir -p "$WS/.cordon"
	echo 'x = 1' >"$WS/.cordon/config.toml"
	expect_fail crun -C "$WS" -- sh -c 'echo "[evil]" >> .git/config'
	expect_fail crun -C "$WS" -- sh -c 'echo "#!/bin/sh" > .git/hooks/x'
	expect_fail crun -C "$WS" -- sh -c 'echo y=2 > .cordon/config.toml'
	expect_fail crun -C "$WS" -- sh -c 'mv .git .git-moved'
	expect_fail crun -C "$WS" -- sh -c 'rm -rf .git'
	[ -d "$WS/.git" ] || fail ".git went away"
	[ ! -e "$WS/.git/hooks/x" ] || fail "hook written"
	# The rest of the workspace stays writable, and git can read.
	crun -C "$WS" -- sh -c 'echo ok > file && git status --porcelain >/dev/null'
}

test_run_gitdir_file_protects_target() {
	make_ws
	mkdir -p "$T/store"
	git -C "$T/store" init -q --bare real.git
	printf 'gitdir: %s\n' "$T/store/real.git" >"$WS/.git"
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"$T/store" = "write"
TOML
	expect_fail trun -C "$WS" -- sh -c "echo x >> '$T/store/real.git/config'"
	trun -C "$WS" -- sh -c "echo fine > '$T/store/other'"
	expect_eq fine "$(cat "$T/store/other")"
}

test_run_missing_git_cannot_be_created_and_leaves_nothing() {
	make_ws
	before=$(snapshot "$WS")
	expect_fail crun -C "$WS" -- mkdir .git
	expect_fail crun -C "$WS" -- sh -c 'echo x > .git'
	expect_fail crun -C "$WS" -- sh -c 'mkdir -p .cordon && echo x > .cordon/config.toml'
	expect_eq "$before" "$(snapshot "$WS")" "workspace listing after the runs"
}

test_run_git_in_subdirectory_finds_parent_repo() {
	mkdir -p "$T/repo/sub"
	repo=$(cd "$T/repo" && pwd -P)
	git -C "$repo" init -q
	git -C "$repo" -c user.email=e@x -c user.name=e commit -q --allow-empty -m init
	out=$(crun -C "$repo/sub" -- git rev-parse --show-toplevel)
	expect_eq "$repo" "$out"
	# ... and yet .git cannot be created there.
	expect_fail crun -C "$repo/sub" -- mkdir .git
	[ ! -e "$repo/sub/.git" ] || fail "left $repo/sub/.git behind"
}

test_run_protected_symlink_fails_closed() {
	make_ws
	mkdir "$WS/decoy"
	ln -s decoy "$WS/.cordon"
	err=$(crun -C "$WS" -- true 2>&1) && fail "ran with a symlinked .cordon"
	expect_status 125 crun -C "$WS" -- true
	expect_one_line "$err"
	expect_contains "$err" "$WS/.cordon"
	expect_contains "$err" "decoy"
}

test_run_write_none_write_nesting() {
	make_ws
	mkdir -p "$WS/a/b" "$WS/a/c"
	echo secret >"$WS/a/c/s"
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"$WS/a" = "none"
"$WS/a/b" = "write"
TOML
	trun -C "$WS" -- sh -c 'echo ok > a/b/f && echo ok > g'
	expect_eq ok "$(cat "$WS/a/b/f")"
	expect_fail trun -C "$WS" -- cat a/c/s
	expect_fail trun -C "$WS" -- sh -c 'echo x > a/new'
	out=$(trun -C "$WS" -- ls -A a)
	expect_eq b "$out"
}

test_run_write_none_write_with_missing_parents() {
	make_ws
	mkdir -p "$WS/hidden/deep/open"
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"$WS/hidden" = "none"
"$WS/hidden/deep/open" = "write"
TOML
	trun -C "$WS" -- sh -c 'echo ok > hidden/deep/open/f'
	expect_eq ok "$(cat "$WS/hidden/deep/open/f")"
	expect_fail trun -C "$WS" -- sh -c 'echo x > hidden/deep/g'
}

test_run_root_read_with_denied_dir_and_file() {
	make_ws
	mkdir -p "$T/secrets"
	echo s1 >"$T/secrets/key"
	echo s2 >"$T/token"
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"$T/secrets" = "none"
"$T/token" = "none"
TOML
	expect_fail trun -C "$WS" -- cat "$T/secrets/key"
	expect_eq "" "$(trun -C "$WS" -- ls -A "$T/secrets")"
	out=$(trun -C "$WS" -- cat "$T/token")
	expect_eq "" "$out" "content of a denied file"
	expect_fail trun -C "$WS" -- sh -c "echo x > '$T/token'"
	expect_fail trun -C "$WS" -- sh -c "echo x > '$T/secrets/new'"
	expect_eq s2 "$(cat "$T/token")"
}

test_run_minimal_profile_sees_only_minimal_set() {
	make_ws
	profile_t <<TOML
":minimal" = "read"
"$WS" = "write"
TOML
	out=$(trun -C "$WS" -- /bin/sh -c 'ls /' | tr '\n' ' ')
	for d in $out; do
		case "$d" in
		bin | sbin | usr | etc | lib | lib32 | lib64 | libx32 | nix | run | dev | proc | tmp) ;;
		*) [ "/$d" = "$(echo "$WS" | cut -d/ -f1-2)" ] || fail "unexpected /$d in: $out" ;;
		esac
	done
	expect_contains " $out" " usr "
	expect_fail trun -C "$WS" -- test -e /root/.bashrc
	expect_fail trun -C "$WS" -- test -e "$HOME"
}

test_run_deny_glob_masks_files_at_depth() {
	make_ws
	mkdir -p "$WS/a/b/c"
	echo K1 >"$WS/.env"
	echo K2 >"$WS/a/b/c/prod.env"
	echo ok >"$WS/a/b/c/readme"
	cat >"$T/t.toml" <<TOML
[permissions.t.filesystem]
":root" = "read"
[permissions.t.filesystem.":workspace_roots"]
"." = "write"
"**/*.env" = "none"
TOML
	expect_eq "" "$(trun -C "$WS" -- cat .env)"
	expect_eq "" "$(trun -C "$WS" -- cat a/b/c/prod.env)"
	expect_eq ok "$(trun -C "$WS" -- cat a/b/c/readme)"
	expect_fail trun -C "$WS" -- sh -c 'echo leaked > a/b/c/prod.env'
	expect_eq K2 "$(cat "$WS/a/b/c/prod.env")"
}

test_run_deny_glob_without_ripgrep_uses_walker() {
	make_ws
	mkdir -p "$WS/x/y"
	echo K >"$WS/x/y/s.env"
	cat >"$T/t.toml" <<TOML
[permissions.t.filesystem]
":root" = "read"
[permissions.t.filesystem.":workspace_roots"]
"." = "write"
"**/*.env" = "none"
TOML
	mkdir "$T/bin"
	for p in sh cat bwrap; do ln -s "$(command -v $p)" "$T/bin/$p"; done
	expect_eq "" "$(PATH=$T/bin trun -C "$WS" -- cat x/y/s.env)"
}

test_run_missing_writable_root_is_skipped_with_warning() {
	make_ws
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"$T/does-not-exist" = "write"
TOML
	err=$(trun -C "$WS" -- true 2>&1)
	expect_contains "$err" "$T/does-not-exist"
	expect_eq 1 "$(printf '%s\n' "$err" | grep -c warning)"
	[ ! -e "$T/does-not-exist" ] || fail "created the missing root"
}

test_run_symlinked_cwd() {
	make_ws
	ln -s "$WS" "$T/link"
	out=$(crun -C "$T/link" -- sh -c 'pwd -P; echo ok > f')
	expect_eq "$WS" "$out"
	expect_eq ok "$(cat "$WS/f")"
}

test_run_root_that_is_a_file_is_written_through() {
	make_ws
	echo before >"$T/single"
	profile_t <<TOML
":root" = "read"
"$WS" = "write"
"$T/single" = "write"
TOML
	trun -C "$WS" -- sh -c "echo after > '$T/single'"
	expect_eq after "$(cat "$T/single")"
}

test_run_no_mount_targets_left_on_host() {
	make_ws
	mkdir -p "$WS/sub"
	before=$(snapshot "$WS")
	crun -C "$WS" -- true
	crun -C "$WS/sub" -w "$WS" -- true
	expect_status 3 crun -C "$WS" -- sh -c 'exit 3'
	expect_eq "$before" "$(snapshot "$WS")"
}

test_run_concurrent_runs_share_placeholders_safely() {
	make_ws
	# The first run holds the .git mask while the second starts and ends.
	"${RUN[@]}" -C "$WS" -- sh -c 'sleep 2; mkdir .git 2>/dev/null && echo CREATED' >"$T/a.out" &
	sleep 0.5
	crun -C "$WS" -- true
	wait
	[ ! -s "$T/a.out" ] || fail "the mask was lifted by another run: $(cat "$T/a.out")"
	[ ! -e "$WS/.git" ] || fail "placeholder left behind"
}

test_run_killed_run_leftovers_are_cleaned_next_time() {
	make_ws
	# /tmp is a writable root too: its missing protected names get
	# placeholders as well (unless something else made them).
	tmp_git_before=no
	[ -e /tmp/.git ] && tmp_git_before=yes
	"${RUN[@]}" -C "$WS" -- sleep 30 &
	pid=$!
	for _ in $(seq 50); do [ -e "$WS/.git" ] && break; sleep 0.1; done
	[ -d "$WS/.git" ] || fail "no placeholder while running"
	kill -KILL $pid
	wait $pid 2>/dev/null || true
	sleep 0.2
	# The next run, which also needs /tmp's placeholders, finds the
	# killed run's there when it makes its plan: it must still start,
	# at once and without a warning, and clean them all afterwards.
	err=$(crun -C "$T" -- true 2>&1) || fail "the next run failed: $err"
	expect_eq "" "$err" "the next run's stderr"
	[ ! -e "$WS/.git" ] || fail "placeholder of a killed run was not cleaned"
	[ "$tmp_git_before" = yes ] || [ ! -e /tmp/.git ] ||
		fail "/tmp/.git, a placeholder of the killed run, was left behind"
}

test_run_placeholder_never_removes_real_content() {
	make_ws
	"${RUN[@]}" -C "$WS" -- sleep 2 &
	for _ in $(seq 50); do [ -e "$WS/.git" ] && break; sleep 0.1; done
	# The user initialises a repository on the host meanwhile.
	touch "$WS/.git/HEAD"
	wait
	[ -f "$WS/.git/HEAD" ] || fail "removed a directory the user filled"
}

# A process the command leaves behind lives until the sandbox's init is
# gone, and a placeholder removed before that no longer masks anything:
# one that keeps trying to move a prepared repository to .git would plant
# it on the host. cordon removes placeholders only once nothing of the
# sandbox is left (supervise.c). Before that fix this won in most runs.
test_run_leftover_process_cannot_take_a_placeholders_name() {
	command -v python3 >/dev/null || skip "needs python3"
	make_ws
	for i in 1 2 3 4 5 6 7 8; do
		mkdir -p "$WS/evil/hooks"
		echo 'ref: refs/heads/main' >"$WS/evil/HEAD"
		crun -C "$WS" -- sh -c 'python3 -c "
import os
while True:
    try:
        os.rename(\"evil\", \".git\")
        break
    except OSError:
        pass
" & sleep 0.2' 2>/dev/null || true
		[ ! -e "$WS/.git" ] || fail "run $i: a process of the finished sandbox made $WS/.git"
	done
}

# cordon's state directory for this user (src/linux/state_dir.c).
state_dir() {
	local state=/tmp/cordon-$(id -u)
	case ${XDG_RUNTIME_DIR:-} in /*) [ -d "$XDG_RUNTIME_DIR/cordon" ] && state=$XDG_RUNTIME_DIR/cordon ;; esac
	echo "$state"
}

# The trash entries (name and inode) of the placeholders under directory D.
trash_entries_of() {
	local esc
	esc=$(printf '%s' "$1" | sed 's|%|%25|g; s|/|%2F|g')
	(cd "$(state_dir)/trash" && ls -i -A | awk -v e="$esc%2F" 'index($2, e) {print $2, $1}' | sort)
}

# Placeholders leave the workspace when the run ends; on the state
# directory's filesystem they wait in its trash, and the next run at the
# same place takes them back instead of making new directories
# (src/linux/host_trash.h). Entries used once are deleted by the next run;
# only empty directories are.
test_run_placeholders_are_taken_back_from_the_trash() {
	make_ws
	local state
	state=$(state_dir)
	crun -C "$WS" -- true
	[ -d "$state/trash" ] || fail "no trash in $state"
	trash_entries_of "$WS" >"$T/first"
	[ "$(wc -l <"$T/first")" -ge 2 ] || fail "placeholders of $WS not in the trash: $(ls -A "$state/trash")"
	mkdir "$state/trash/1.once-$$.0" "$state/trash/1.full-$$.0"
	echo keep >"$state/trash/1.full-$$.0/x"
	crun -C "$WS" -- true
	trash_entries_of "$WS" >"$T/second"
	expect_eq "$(cat "$T/first")" "$(cat "$T/second")" "the same directories, back in the trash"
	[ ! -e "$state/trash/1.once-$$.0" ] || fail "the next run left an entry used once"
	expect_eq keep "$(cat "$state/trash/1.full-$$.0/x")" "a non-empty trash entry"
	rm -rf "$state/trash/1.full-$$.0"
	[ -z "$(ls -A "$WS")" ] || fail "left in the workspace: $(ls -A "$WS")"
}

# A sandbox (B) whose profile leaves another run's (A's) placeholder
# visible and writable keeps a descriptor to it, and writes through it
# after A ended. The placeholder must not become a placeholder anywhere
# else: here the .vscode of another workspace, which a run C needs while B
# writes, and where B could not write. (With trash keys made of the name
# alone, this fails: C takes A's placeholder back.)
test_run_placeholder_kept_open_is_not_reused_elsewhere() {
	make_ws
	local ws2 state
	mkdir "$T/ws2"
	ws2=$(cd "$T/ws2" && pwd -P)
	state=$(state_dir)
	# B's profile leaves .vscode unprotected; A's and C's keep /tmp
	# read-only, so that their only placeholders are in the workspaces.
	cat >"$T/p.toml" <<-'EOF'
		[permissions.open]
		extends = ":workspace"
		protected_names = []
		[permissions.ws]
		extends = ":workspace"
		[permissions.ws.filesystem]
		":slash_tmp" = "read"
	EOF
	# An empty trash: with more than HOST_TRASH_KEEP entries (the suite
	# makes hundreds) a run may delete A's placeholder from it before B
	# writes. Then, once, so that A takes its placeholders back from it.
	rm -rf "${state:?}/trash"
	crun --config "$T/p.toml" -p ws -C "$WS" -- true
	crun --config "$T/p.toml" -p ws -C "$WS" -- sleep 2 &
	local a=$!
	for _ in $(seq 50); do [ -d "$WS/.vscode" ] && break; sleep 0.05; done
	[ -d "$WS/.vscode" ] || fail "no placeholder for $WS/.vscode"
	crun --config "$T/p.toml" -p open -C "$WS" -- python3 -c '
import os, time
fd = os.open(".vscode", os.O_RDONLY | os.O_DIRECTORY)
open("opened", "w").close()
while not os.path.exists("go"):
    time.sleep(0.01)
end = time.time() + 2
while time.time() < end:
    try:
        os.close(os.open("planted", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))
    except OSError:
        pass
    time.sleep(0.01)
' &
	local b=$!
	# It writes only once A has ended: A leaves an empty placeholder.
	wait "$a"
	touch "$WS/go"
	crun --config "$T/p.toml" -p ws -C "$ws2" -- sleep 1
	[ ! -e "$ws2/.vscode/planted" ] || fail "the kept placeholder became $ws2/.vscode"
	wait "$b" || fail "the sandbox that keeps the placeholder open failed"
	[ -e "$WS/opened" ] || fail "the placeholder was gone before it could be opened"
	[ ! -e "$ws2/.vscode" ] || fail "left $ws2/.vscode"
	# What it wrote went to the trash entry of $WS/.vscode, which only a
	# run at that place would take back. Not left for other tests.
	local e found=
	while read -r e _; do
		[ -e "$state/trash/$e/planted" ] && found=1
		rm -rf "${state:?}/trash/$e"
	done < <(trash_entries_of "$WS")
	[ -n "$found" ] || fail "the write through the kept descriptor landed nowhere to be seen"
}

# These need what only a mount namespace gives: protected metadata and
# masks below a writable or readable root (carve-outs the landlock backend
# refuses by design), the sandbox's own /dev, placeholders. The landlock
# backend's own filesystem tests are in t_landlock.sh.
e2e_backends "$E2E_NS" test_run_workspace_write_inside_not_outside \
	test_run_slash_tmp_writable_in_workspace_profile \
	test_run_dev_devices \
	test_run_dev_shm_writable_root_persists \
	test_run_git_metadata_is_read_only \
	test_run_gitdir_file_protects_target \
	test_run_missing_git_cannot_be_created_and_leaves_nothing \
	test_run_git_in_subdirectory_finds_parent_repo \
	test_run_write_none_write_nesting \
	test_run_write_none_write_with_missing_parents \
	test_run_root_read_with_denied_dir_and_file \
	test_run_minimal_profile_sees_only_minimal_set \
	test_run_deny_glob_masks_files_at_depth \
	test_run_deny_glob_without_ripgrep_uses_walker \
	test_run_missing_writable_root_is_skipped_with_warning \
	test_run_symlinked_cwd \
	test_run_root_that_is_a_file_is_written_through \
	test_run_no_mount_targets_left_on_host \
	test_run_concurrent_runs_share_placeholders_safely \
	test_run_killed_run_leftovers_are_cleaned_next_time \
	test_run_placeholder_never_removes_real_content \
	test_run_placeholders_are_taken_back_from_the_trash \
	test_run_placeholder_kept_open_is_not_reused_elsewhere \
	test_run_leftover_process_cannot_take_a_placeholders_name
