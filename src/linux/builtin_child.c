/* The builtin sandbox's child, from clone() to execve(): every step in the
 * order it has to happen, and why there.
 *
 * The child was cloned with new user, mount, pid, ipc (and network, uts,
 * cgroup) namespaces; it is PID 1 of the new pid namespace and holds every
 * capability, but only inside its own user namespace. It builds the
 * filesystem, gives up what it no longer needs, and forks the command,
 * staying behind as the namespace's init. The first failure is reported
 * to the launcher (setup_report_fail) and ends the child before the
 * command has started.
 *
 * Nothing here allocates or formats: the launcher may have had other
 * threads, whose locks this copy of its memory would hold forever. The
 * launcher worked everything out beforehand (builtin_exec.c). */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "linux/builtin_prep.h"
#include "linux/caps.h"
#include "linux/init_reaper.h"
#include "linux/mounts.h"
#include "linux/netns_lo.h"
#include "linux/seccomp_filter.h"
#include "linux/supervise.h"
#include "linux/userns.h"
#include "util/strv.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

static int report_fd = -1;

static _noreturn_ void fail(enum setup_step step, int negerr, int op, int detail)
{
	setup_report_fail(report_fd, step, negerr < 0 ? -negerr : negerr, op, detail);
}

static void check(int r, enum setup_step step)
{
	if (r < 0)
		fail(step, r, -1, -1);
}

/* Every descriptor from FIRST up, but the ones in KEEP (sorted). */
static void close_from(int first, const int *keep, size_t n_keep, unsigned flags)
{
	for (size_t i = 0; i <= n_keep; i++) {
		int last = i < n_keep ? keep[i] - 1 : INT32_MAX;
		if (last >= first && syscall(SYS_close_range, (unsigned)first, (unsigned)last, flags) < 0)
			for (int fd = first; fd <= last && fd < 65536; fd++)
				flags ? (void)fcntl(fd, F_SETFD, FD_CLOEXEC) : (void)close(fd);
		if (i < n_keep && keep[i] + 1 > first)
			first = keep[i] + 1;
	}
}

static void apply_seccomp(const struct builtin_prep *p)
{
	/* NO_NEW_PRIVS first: an unprivileged process may install a filter
	 * only with it, and it keeps a setuid binary from gaining anything
	 * after exec (root too: cordon wants the same guarantee for it). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(SETUP_STEP_NO_NEW_PRIVS, -errno, -1, -1);
	/* The filter last: it may refuse calls the steps above still need. */
	if (p->spec->seccomp)
		check(seccomp_install(p->spec->seccomp), SETUP_STEP_SECCOMP);
	for (size_t i = 0; i < p->n_progs; i++)
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p->progs[i], 0, 0) < 0)
			fail(SETUP_STEP_SECCOMP, -errno, -1, (int)i);
}

/* The command's side of the last fork: from here on it is one process,
 * and the last steps are those that must apply to it alone. */
static _noreturn_ void run_command(const struct builtin_prep *p, pid_t init)
{
	const struct sandbox_process *proc = p->spec->proc;

	/* The signals init waits for are the command's to handle: back to
	 * the mask cordon was started with. */
	supervise_restore_signals();
	if (p->spec->command_group && init > 0)
		(void)setpgid(0, 0);

	/* If init dies the kernel kills the whole namespace anyway; without a
	 * pid namespace this is what ties the command to it. Checked after
	 * setting it: init may be gone already. */
	if (proc->die_with_parent && init > 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			fail(SETUP_STEP_PARENT_GONE, -errno, -1, -1);
		if (getppid() != init)
			_exit(125);
	}
	/* The launcher may still have to attach the network proxy to these
	 * namespaces: nothing runs before it says so. EOF means it gave up
	 * (or died): then nothing runs at all. */
	if (p->release_r >= 0) {
		char b;
		ssize_t n;
		do
			n = read(p->release_r, &b, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(125);
		close(p->release_r);
	}
	if (proc->sync_fd >= 0 && init > 0)
		close(proc->sync_fd);
	/* Capabilities that must survive exec for a uid other than 0. */
	if (p->keep_caps)
		check(caps_raise_ambient(p->keep_caps), SETUP_STEP_CAPS);

	apply_seccomp(p);

	/* execvp searches the PATH of the sandbox's environment, not the
	 * launcher's. */
	environ = p->envp;
	execvp(p->file, p->argv);
	fail(SETUP_STEP_EXEC, -errno, -1, -1);
}

/* What the sandbox's init does once the command exists. */
static _noreturn_ void become_init(const struct builtin_prep *p, pid_t command, const int *locks,
				   size_t n_locks)
{
	const struct sandbox_process *proc = p->spec->proc;
	int keep[67];
	size_t n = 0;

	/* Init needs no capability at all (the command may keep some). */
	if (p->keep_caps && caps_set(0) < 0 && errno != EPERM) {
		(void)kill(command, SIGKILL);
		fail(SETUP_STEP_CAPS, -errno, -1, -1);
	}
	if (proc->die_with_parent)
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* The command's descriptors are its own business; init keeps only the
	 * lock files and the sync descriptor. Anything else open in init
	 * could be reached from inside through /proc/1/fd (the command runs
	 * as the same user), the caller's inherited directories included. */
	for (size_t i = 0; i < n_locks; i++)
		keep[n++] = locks[i];
	if (proc->sync_fd >= 0)
		keep[n++] = proc->sync_fd;
	if (p->status_w >= 0)
		keep[n++] = p->status_w;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	/* This closes the report pipe too: from now on its end-of-file means
	 * the command's exec succeeded (or the command failed and said so). */
	close_from(3, keep, n, 0);
	report_fd = -1;
	init_reaper_run(command, p->status_w, p->spec->init_lingers);
}

_noreturn_ void builtin_child_main(const struct builtin_prep *p)
{
	const struct sandbox_process *proc = p->spec->proc;
	struct rootfs rfs = { .proc_fd = -1, .newroot_fd = -1, .host_tty = p->host_tty };
	sigset_t forwarded;
	int r;

	report_fd = p->report_w;
	/* The helper's end of its socket is the helper's: with it open here,
	 * a helper that died would leave the join below waiting forever. */
	if (p->netns_helper_sock >= 0)
		close(p->netns_helper_sock);

	/* Block what init will wait for now, so that nothing sent between
	 * here and its sigwaitinfo() is lost or kills it (the launcher
	 * blocked most of them before the clone already). */
	init_reaper_signals(&forwarded);
	sigprocmask(SIG_BLOCK, &forwarded, NULL);

	/* 1. Die with the launcher: PDEATHSIG, then a check, since the
	 * launcher may have died before the prctl. getppid() is 0 across a
	 * pid namespace, but the report pipe knows: POLLERR on a write end
	 * means the reader is gone. */
	if (proc->die_with_parent) {
		struct pollfd pfd = { .fd = report_fd };
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			fail(SETUP_STEP_PARENT_GONE, -errno, -1, -1);
		if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLERR | POLLHUP)))
			_exit(125);
	}

	/* 2. Descriptors. cordon run passes none but stdio to the command: an
	 * inherited directory descriptor would be a way around every mount.
	 * `cordon bwrap` passes them all, as bwrap does, but the ones bwrap's
	 * own protocol consumed. */
	if (!proc->keep_fds)
		close_from(3, NULL, 0, CLOSE_RANGE_CLOEXEC);
	if (proc->info_fd >= 0)
		close(proc->info_fd);
	if (proc->json_status_fd >= 0)
		close(proc->json_status_fd);
	if (proc->userns_block_fd >= 0)
		close(proc->userns_block_fd);

	/* 3. The host's /proc, kept as a descriptor: the uid maps of both
	 * user namespaces are written through it, the second one after the
	 * host's tree is gone from this mount namespace. */
	rfs.proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfs.proc_fd < 0)
		fail(SETUP_STEP_ID_MAPS, -errno, -1, -1);

	/* 4. Who we are. Until its maps exist the process is "nobody" to the
	 * kernel and may not mount. An unprivileged caller is mapped to uid 0
	 * when the plan has a /dev, because a devpts instance can only be
	 * mounted where uid 0 exists; step 7 maps it back. A held child waits
	 * for its launcher first (bwrap's monitor reports the namespaces;
	 * with --userns-block-fd somebody else writes the maps meanwhile). */
	if (p->setup_r >= 0) {
		char b;
		while (read(p->setup_r, &b, 1) < 0 && errno == EINTR)
			;
		close(p->setup_r);
	}
	if (p->new_userns && proc->userns_block_fd < 0)
		check(userns_write_maps(rfs.proc_fd, p->uid_map, p->gid_map, true),
		      SETUP_STEP_ID_MAPS);

	/* 5. Network and host name, which need CAP_NET_ADMIN / CAP_SYS_ADMIN
	 * in the namespaces just created. */
	if (p->clone_flags & CLONE_NEWNET)
		check(netns_loopback_up(), SETUP_STEP_LOOPBACK);
	if (proc->hostname && sethostname(proc->hostname, strlen(proc->hostname)) < 0)
		fail(SETUP_STEP_HOSTNAME, -errno, -1, -1);

	/* 6. The filesystem. Modes are the plan's own: no umask. In a mount
	 * namespace owned by a new user namespace the copied mounts are
	 * already slaves of the host's (mount_namespaces(7): "less privileged"
	 * copies), so nothing made here propagates back; without a new user
	 * namespace (root, bwrap without --unshare-user) make them slaves. */
	mode_t old_umask = umask(0);
	if (!p->new_userns)
		check(mounts_make_rslave(), SETUP_STEP_PROPAGATION);
	mounts_force_classic(p->classic_mounts);
	rootfs_force_classic(p->classic_mounts);
	check(rootfs_begin(&rfs, p->self_bind), SETUP_STEP_BASE);
	for (size_t i = 0; i < p->n_ops; i++) {
		enum setup_step step;
		int detail;
		r = rootfs_apply(&rfs, &p->ops[i], &step, &detail);
		if (r < 0)
			fail(step, r, p->ops[i].index, detail);
	}
	check(rootfs_finish(&rfs), SETUP_STEP_PIVOT);

	/* The network namespace the helper made meanwhile (step 5 without
	 * it). Before step 7: joining needs CAP_SYS_ADMIN in the user
	 * namespace that owns it, this one. */
	if (p->netns_sock >= 0) {
		check(netns_helper_join(p->netns_sock), SETUP_STEP_NETNS);
		close(p->netns_sock);
	}

	/* 7. The inner user namespace: the caller's own uid again (after the
	 * devpts step) and, with --disable-userns, a limit the command cannot
	 * lift: it is set in this namespace, and the command lives in the one
	 * below it. The mount namespace stays owned by the outer one, so
	 * nothing inside can unmount a mask either. */
	if (p->nest_userns) {
		if (proc->disable_userns)
			check(userns_limit_nested(rfs.proc_fd), SETUP_STEP_DISABLE_USERNS);
		check(userns_enter_nested(rfs.proc_fd, p->uid_map2, p->gid_map2),
		      SETUP_STEP_USERNS2);
	}
	if ((proc->disable_userns || proc->assert_userns_disabled) && userns_can_create())
		fail(SETUP_STEP_USERNS_STILL_ALLOWED, 0, -1, -1);
	rfs.proc_fd = safe_close(rfs.proc_fd);

	/* 8. Capabilities: out of the bounding set first (that needs
	 * CAP_SETPCAP, which the capset below gives up), then the rest. */
	if (p->drop_bounding)
		check(caps_drop_bounding(p->keep_caps), SETUP_STEP_CAPS);
	if (p->set_caps)
		check(caps_set(p->keep_caps), SETUP_STEP_CAPS);

	/* bwrap's --block-fd: the caller gets to look at the sandbox first. */
	if (proc->block_fd >= 0) {
		char b;
		while (read(proc->block_fd, &b, 1) < 0 && errno == EINTR)
			;
		close(proc->block_fd);
	}

	/* 9. Working directory and PWD (bwrap's rule when none was given:
	 * the caller's, if visible inside, else $HOME, else /). */
	umask(old_umask);
	char **envp = p->envp;
	if (p->chdir) {
		if (chdir(p->chdir) < 0)
			fail(SETUP_STEP_CHDIR, -errno, -1, -1);
		envp[p->pwd_slot] = p->pwd[0];
	} else if (p->old_cwd && chdir(p->old_cwd) == 0) {
		envp[p->pwd_slot] = p->pwd[0];
	} else if (p->home && chdir(p->home) == 0) {
		envp[p->pwd_slot] = p->pwd[1];
	} else {
		envp[p->pwd_slot] = p->pwd[2];
	}

	/* 10. A new session: the command loses the controlling terminal, so
	 * it cannot push keystrokes into the user's shell with TIOCSTI. */
	if (proc->new_session && setsid() < 0)
		fail(SETUP_STEP_SETSID, -errno, -1, -1);

	/* 11. Lock files, taken before the fork so that a failure still stops
	 * everything before the command runs. POSIX locks belong to the
	 * process: init, which this process becomes, holds them. */
	int locks[64];
	size_t n_locks = 0;
	STRV_FOREACH (l, proc->lock_files) {
		struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		int fd = open(*l, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) < 0)
			fail(SETUP_STEP_LOCK_FILE, -errno, -1, (int)n_locks);
		locks[n_locks++] = fd;
	}

	if (!p->need_init)
		run_command(p, 0);

	/* 12. Init and command. The command is forked off; this process stays
	 * PID 1: it reaps orphans, passes signals on, and exits with the
	 * command's status, which takes the whole namespace down with it.
	 * vfork(): the command runs on this memory until it execs, which
	 * saves copying the page tables of all of cordon (and, unlike fork(),
	 * runs no atfork handler that could take a lock a thread of the
	 * launcher held when it was cloned); init waits meanwhile
	 * (its signals stay pending) and nothing it needs is written to: the
	 * command only makes syscalls and points environ (unused by init) at
	 * its own environment. */
	pid_t init = getpid();
	pid_t command = vfork();
	if (command < 0)
		fail(SETUP_STEP_FORK, -errno, -1, -1);
	if (command == 0)
		run_command(p, init);
	/* bwrap applies the filters to its init too: it needs none of what
	 * they refuse. */
	if (p->n_progs || p->spec->seccomp) {
		r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
		if (r == 0 && p->spec->seccomp)
			r = seccomp_install(p->spec->seccomp);
		if (r < 0) {
			(void)kill(command, SIGKILL);
			fail(SETUP_STEP_SECCOMP, r, -1, -1);
		}
		for (size_t i = 0; i < p->n_progs; i++)
			(void)prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p->progs[i], 0, 0);
	}
	become_init(p, command, locks, n_locks);
}
