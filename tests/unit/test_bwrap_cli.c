#include <criterion/criterion.h>

#include "cli/bwrap_cli.h"
#include "util/strv.h"

/* Splits a command line on spaces (no quoting needed in these tables). */
static char **split(const char *line)
{
	char **v = NULL;
	_cleanup_free_ char *copy = xstrdup(line);
	char *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		strv_push(&v, t);
	return v;
}

/* --args FD in these tests: FD 7 holds "--dir\0/a\0--dir\0/b\0", FD 8 holds
 * a nested --args, anything else is a read error. */
static int fake_read_fd(void *userdata, int fd, char **ret, size_t *ret_len)
{
	static const char seven[] = "--dir\0/a\0--dir\0/b";
	static const char eight[] = "--args\0" "7";

	(void)userdata;
	if (fd == 7) {
		*ret = xmalloc(sizeof(seven));
		memcpy(*ret, seven, sizeof(seven));
		*ret_len = sizeof(seven);
		return 0;
	}
	if (fd == 8) {
		*ret = xmalloc(sizeof(eight));
		memcpy(*ret, eight, sizeof(eight));
		*ret_len = sizeof(eight);
		return 0;
	}
	return -EBADF;
}

static char *const base_env[] = { "HOME=/home/u", "FOO=wrong", "BAR=baz", NULL };

static int parse(const char *line, struct bwrap_cmdline *ret, struct error *err)
{
	_cleanup_strv_free_ char **v = split(line);
	struct bwrap_cli_env env = {
		.environ = base_env,
		.caps = 0,
		.read_fd = fake_read_fd,
	};

	return bwrap_cli_parse((int)strv_length(v), v, &env, ret, err);
}

static const struct {
	const char *line;
	const char *error; /* a substring of bwrap's message */
} refused[] = {
	{ "--perms 0640 --perms 0640 --tmpfs /a true", "--perms given twice for the same action" },
	{ "--size 1048576 --size 1048576 --tmpfs /a true", "--size given twice for the same action" },
	{ "--size 0 --tmpfs /a true", "--size takes a non-zero number of bytes" },
	{ "--size 123bogus --tmpfs /a true", "--size takes a non-zero number of bytes" },
	{ "--size -12345678 --tmpfs /a true", "--size takes a non-zero number of bytes" },
	{ "--size 18446744073709551616 --tmpfs /a true", "--size takes a non-zero number of bytes" },
	{ "--size 9223372036854775809 --tmpfs /a true", "--size (for tmpfs) is limited to" },
	{ "--perms 0755 --bind /a /b true", "--perms must be followed by an option that creates a file" },
	{ "--size 1024 --dir /b true", "--size must be followed by --tmpfs" },
	{ "--perms 8 --dir /a true", "--perms takes an octal argument <= 07777" },
	{ "--perms 17777 --dir /a true", "--perms takes an octal argument <= 07777" },
	{ "--chmod 0x1 /a true", "--chmod takes an octal argument <= 07777" },
	{ "--bind /a", "--bind takes two arguments" },
	{ "--proc", "--proc takes an argument" },
	{ "--no-such-option true", "Unknown option --no-such-option" },
	{ "- true", "Unknown option -" },
	{ "--file x /a true", "Invalid fd: x" },
	{ "--file -1 /a true", "Invalid fd: -1" },
	{ "--uid -3 true", "Invalid uid: -3" },
	{ "--gid abc true", "Invalid gid: abc" },
	{ "--seccomp 3 --add-seccomp-fd 4 true", "--add-seccomp-fd cannot be combined with --seccomp" },
	{ "--add-seccomp-fd 4 --seccomp 3 true", "--seccomp cannot be combined with --add-seccomp-fd" },
	{ "--cap-add CAP_NOPE true", "unknown cap: CAP_NOPE" },
	{ "--setenv A=B c true", "setenv failed" },
	{ "--userns 3 true", "--userns is not supported" },
	{ "--pidns 3 true", "--pidns is not supported" },
	{ "--exec-label x true", "--exec-label is not supported" },
	{ "--args 9 true", "Can't read --args data" },
	{ "--args 8 true", "--args not supported in arguments file" },
};

Test(bwrap_cli, refusals_are_bwraps)
{
	for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
		struct bwrap_cmdline c = {};
		struct error err = {};
		int r = parse(refused[i].line, &c, &err);
		cr_expect_lt(r, 0, "case %zu (%s) was accepted", i, refused[i].line);
		cr_expect(strstr(err.message, refused[i].error), "case %zu (%s): got \"%s\"", i,
			  refused[i].line, err.message);
		bwrap_cmdline_done(&c);
	}
}

static const struct {
	enum mount_op_type type;
	const char *src, *dest;
	mode_t mode;
	bool allow_missing;
	size_t size;
} want_ops[] = {
	{ MOUNT_BIND, "/", "/", 0, false, 0 },
	{ MOUNT_TMPFS, NULL, "/tmp", 0755, false, 0 },
	{ MOUNT_RO_BIND, "/usr", "/usr", 0, false, 0 },
	{ MOUNT_RO_BIND, "/lib64", "/lib64", 0, true, 0 },
	{ MOUNT_DEV_BIND, "/dev", "/dev", 0, false, 0 },
	{ MOUNT_BIND, "/x", "/y", 0, true, 0 },
	{ MOUNT_DEV_BIND, "/z", "/z", 0, true, 0 },
	{ MOUNT_TMPFS, NULL, "/t", 01777, false, 1048576 },
	{ MOUNT_DIR, NULL, "/d", 0755, false, 0 },
	{ MOUNT_DIR, NULL, "/e", 0700, false, 0 },
	{ MOUNT_FILE, NULL, "/f", 0666, false, 0 },
	{ MOUNT_BIND_DATA, NULL, "/g", 0600, false, 0 },
	{ MOUNT_RO_BIND_DATA, NULL, "/h", 0640, false, 0 },
	{ MOUNT_SYMLINK, "usr/lib", "/lib", 0, false, 0 },
	{ MOUNT_PROC, NULL, "/proc", 0, false, 0 },
	{ MOUNT_DEV, NULL, "/dev", 0, false, 0 },
	{ MOUNT_MQUEUE, NULL, "/dev/mqueue", 0, false, 0 },
	{ MOUNT_REMOUNT_RO, NULL, "/usr", 0, false, 0 },
	{ MOUNT_CHMOD, NULL, "/d", 01755, false, 0 },
};

Test(bwrap_cli, ops_in_command_line_order)
{
	struct bwrap_cmdline c = {};
	struct error err = {};
	int r = parse("--bind / / --tmpfs /tmp --ro-bind /usr /usr --ro-bind-try /lib64 /lib64 "
		      "--dev-bind /dev /dev --bind-try /x /y --dev-bind-try /z /z "
		      "--perms 01777 --size 1048576 --tmpfs /t --dir /d --perms 0700 --dir /e "
		      "--file 0 /f --bind-data 3 /g --perms 0640 --ro-bind-data 4 /h "
		      "--symlink usr/lib /lib --proc /proc --dev /dev --mqueue /dev/mqueue "
		      "--remount-ro /usr --chmod 1755 /d -- ls -l",
		      &c, &err);

	cr_assert_eq(r, 0, "%s", err.message);
	cr_assert_eq(c.plan->n_ops, ELEMENTSOF(want_ops));
	for (size_t i = 0; i < ELEMENTSOF(want_ops); i++) {
		const struct mount_op *op = &c.plan->ops[i];
		cr_expect_eq(op->type, want_ops[i].type, "op %zu: type %s", i,
			     mount_op_type_to_string(op->type));
		cr_expect(streq_ptr(op->src, want_ops[i].src), "op %zu: src %s", i, op->src);
		cr_expect_str_eq(op->dest, want_ops[i].dest, "op %zu", i);
		cr_expect_eq(op->mode, want_ops[i].mode, "op %zu: mode %o", i, (unsigned)op->mode);
		cr_expect_eq(op->allow_missing, want_ops[i].allow_missing, "op %zu", i);
		cr_expect_eq(op->size, want_ops[i].size, "op %zu", i);
	}
	cr_expect_eq(c.plan->ops[10].fd, 0);
	cr_expect_eq(c.plan->ops[11].fd, 3);
	cr_expect_eq(c.plan->ops[12].fd, 4);
	cr_expect_eq(strv_length(c.argv), 2);
	cr_expect_str_eq(c.argv[0], "ls");
	cr_expect_str_eq(c.argv[1], "-l");
	bwrap_cmdline_done(&c);
}

Test(bwrap_cli, namespaces_and_process_options)
{
	struct bwrap_cmdline c = {};
	struct error err = {};
	int r = parse("--unshare-all --share-net --uid 0 --gid 5 --hostname box --chdir /w "
		      "--new-session --die-with-parent --as-pid-1 --lock-file /l --sync-fd 9 "
		      "--block-fd 10 --info-fd 11 --json-status-fd 12 --userns-block-fd 13 "
		      "--seccomp 14 --argv0 zzz --disable-userns --assert-userns-disabled true",
		      &c, &err);

	cr_assert_eq(r, 0, "%s", err.message);
	const struct sandbox_process *p = &c.proc;
	cr_expect(p->unshare_user_try && p->unshare_ipc && p->unshare_pid && p->unshare_uts &&
		  p->unshare_cgroup_try);
	cr_expect(!p->unshare_net, "--share-net after --unshare-all keeps the network");
	cr_expect(!p->unshare_user && !p->unshare_cgroup);
	cr_expect_eq(p->uid, 0);
	cr_expect_eq(p->gid, 5);
	cr_expect_str_eq(p->hostname, "box");
	cr_expect_str_eq(c.plan->chdir, "/w");
	cr_expect(p->new_session && p->die_with_parent && p->as_pid_1);
	cr_expect(p->disable_userns && p->assert_userns_disabled);
	cr_expect_eq(strv_length(p->lock_files), 1);
	cr_expect_eq(p->sync_fd, 9);
	cr_expect_eq(p->block_fd, 10);
	cr_expect_eq(p->info_fd, 11);
	cr_expect_eq(p->json_status_fd, 12);
	cr_expect_eq(p->userns_block_fd, 13);
	cr_expect_eq(p->n_seccomp_fds, 1);
	cr_expect_eq(p->seccomp_fds[0], 14);
	cr_expect_str_eq(p->argv0, "zzz");
	cr_expect(p->keep_fds, "bwrap passes the caller's descriptors on");
	cr_expect(!p->caps_set);
	bwrap_cmdline_done(&c);
}

Test(bwrap_cli, repeated_single_options_warn_and_last_wins)
{
	struct bwrap_cmdline c = {};
	struct error err = {};
	int r = parse("--chdir /a --chdir /b --seccomp 3 --seccomp 4 --add-seccomp-fd 5 true", &c,
		      &err);

	cr_expect_lt(r, 0, "--add-seccomp-fd after --seccomp is refused");
	bwrap_cmdline_done(&c);

	r = parse("--chdir /a --chdir /b --seccomp 3 --seccomp 4 true", &c, &err);
	cr_assert_eq(r, 0, "%s", err.message);
	cr_expect_str_eq(c.plan->chdir, "/b");
	cr_expect_eq(c.proc.n_seccomp_fds, 1);
	cr_expect_eq(c.proc.seccomp_fds[0], 4);
	cr_expect_eq(strv_length(c.warnings), 2);
	cr_expect_str_eq(c.warnings[0], "Only the last --chdir option will take effect");
	bwrap_cmdline_done(&c);

	r = parse("--add-seccomp-fd 3 --add-seccomp-fd 4 true", &c, &err);
	cr_assert_eq(r, 0, "%s", err.message);
	cr_expect_eq(c.proc.n_seccomp_fds, 2);
	bwrap_cmdline_done(&c);
}

Test(bwrap_cli, environment_edits_in_order)
{
	struct bwrap_cmdline c = {};
	struct error err = {};

	cr_assert_eq(parse("--setenv FOO bar --unsetenv BAR --setenv NEW 1 env", &c, &err), 0);
	cr_expect(strv_contains(c.proc.env, "FOO=bar"));
	cr_expect(!strv_contains(c.proc.env, "FOO=wrong"));
	cr_expect(!strv_contains(c.proc.env, "BAR=baz"));
	cr_expect(strv_contains(c.proc.env, "NEW=1"));
	cr_expect(strv_contains(c.proc.env, "HOME=/home/u"));
	bwrap_cmdline_done(&c);

	cr_assert_eq(parse("--setenv A 1 --clearenv --setenv B 2 env", &c, &err), 0);
	cr_expect_eq(strv_length(c.proc.env), 1);
	cr_expect_str_eq(c.proc.env[0], "B=2");
	bwrap_cmdline_done(&c);
}

Test(bwrap_cli, double_dash_defangs_options)
{
	struct bwrap_cmdline c = {};
	struct error err = {};

	cr_assert_eq(parse("--bind / / -- --dev-bind /dev /dev sh", &c, &err), 0);
	cr_expect_eq(c.plan->n_ops, 1);
	cr_expect_str_eq(c.argv[0], "--dev-bind");
	bwrap_cmdline_done(&c);

	cr_assert_eq(parse("--bind / /", &c, &err), 0);
	cr_expect_null(c.argv, "no command: the caller prints the usage and exits 1");
	bwrap_cmdline_done(&c);
}

Test(bwrap_cli, args_fd_is_parsed_in_place)
{
	struct bwrap_cmdline c = {};
	struct error err = {};

	cr_assert_eq(parse("--tmpfs /t --args 7 --dir /c true", &c, &err), 0, "%s", err.message);
	cr_assert_eq(c.plan->n_ops, 4);
	cr_expect_str_eq(c.plan->ops[1].dest, "/a");
	cr_expect_str_eq(c.plan->ops[2].dest, "/b");
	cr_expect_str_eq(c.plan->ops[3].dest, "/c");
	bwrap_cmdline_done(&c);
}

Test(bwrap_cli, capabilities)
{
	struct bwrap_cmdline c = {};
	struct error err = {};
	struct bwrap_cli_env env = { .environ = base_env, .caps = (1u << 5) | (1u << 3) };
	_cleanup_strv_free_ char **v = split("--cap-drop CAP_KILL --cap-add cap_net_raw --cap-add 21 true");

	cr_assert_eq(bwrap_cli_parse((int)strv_length(v), v, &env, &c, &err), 0, "%s", err.message);
	cr_expect(c.proc.caps_set);
	cr_expect_eq(c.proc.caps, (UINT64_C(1) << 3) | (UINT64_C(1) << 13) | (UINT64_C(1) << 21));
	bwrap_cmdline_done(&c);

	cr_assert_eq(parse("--cap-add ALL --cap-drop all true", &c, &err), 0);
	cr_expect_eq(c.proc.caps, 0);
	bwrap_cmdline_done(&c);

	cr_expect_eq(bwrap_cap_from_name("CAP_SYS_ADMIN"), 21);
	cr_expect_eq(bwrap_cap_from_name("cap_checkpoint_restore"), 40);
	cr_expect_lt(bwrap_cap_from_name("sys_admin"), 0, "libcap's names carry the cap_ prefix");
}

Test(bwrap_cli, help_version_and_option_names)
{
	struct bwrap_cmdline c = {};
	struct error err = {};

	cr_assert_eq(parse("--bind / / --help --no-such", &c, &err), 0);
	cr_expect(c.help, "--help stops parsing");
	bwrap_cmdline_done(&c);
	cr_assert_eq(parse("--version", &c, &err), 0);
	cr_expect(c.version);
	bwrap_cmdline_done(&c);

	cr_expect(bwrap_cli_is_option("--unshare-all"));
	cr_expect(bwrap_cli_is_option("--ro-bind"));
	cr_expect(!bwrap_cli_is_option("--help"));
	cr_expect(!bwrap_cli_is_option("run"));
	cr_expect(!bwrap_cli_is_option("--profile"));

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bwrap_cli_usage(f, "/x/bwrap");
	fclose(f);
	cr_expect(strneq(text, "usage: /x/bwrap [OPTIONS...]", 28), "%s", text);
	free(text);
}
