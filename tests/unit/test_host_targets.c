/* Placeholders and their trash, on a real filesystem (no privileges): what
 * is made, what is adopted, what is moved out and deleted, and what is never
 * touched. The state directory is a temporary XDG_RUNTIME_DIR on the same
 * filesystem as the workspace, so that the trash can take placeholders. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "linux/host_targets.h"
#include "linux/host_trash.h"
#include "plan/plan.h"
#include "util/macros.h"

static char base[] = "/tmp/cordon-unit-targets.XXXXXX";
static char *ws, *trash;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(base));
	ws = xasprintf("%s/ws", base);
	cr_assert_eq(mkdir(ws, 0755), 0);
	char *run = xasprintf("%s/run", base);
	cr_assert_eq(mkdir(run, 0700), 0);
	setenv("XDG_RUNTIME_DIR", run, 1);
	trash = xasprintf("%s/cordon/trash", run);
	free(run);
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", base);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
	free(ws);
	free(trash);
}

/* A plan whose only content is placeholders for NAMES in the workspace. */
static struct mount_plan *plan_with(const char *const *names)
{
	struct mount_plan *m = xcalloc(1, sizeof(*m));

	for (; *names; names++) {
		m->targets = xrealloc(m->targets, (m->n_targets + 1) * sizeof(*m->targets));
		m->targets[m->n_targets++] = (struct host_target){
		    .path = xasprintf("%s/%s", ws, *names),
		    .why = xstrdup("test"),
		};
	}
	return m;
}

static bool exists_in(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += !streq(de->d_name, ".") && !streq(de->d_name, "..");
	closedir(d);
	return n;
}

static void make_dir_in(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s", p);
	free(p);
}

static ino_t inode_of(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	struct stat st;

	cr_assert_eq(lstat(p, &st), 0, "lstat %s", p);
	free(p);
	return st.st_ino;
}

static void make_file_in(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0, "create %s", p);
	close(fd);
	free(p);
}

/* One run's placeholders, from start to end, with nothing in between. */
static void run_once(const struct mount_plan *m)
{
	struct host_targets *t = NULL;
	struct error err = {};

	cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
	host_targets_release(t);
}

TestSuite(host_targets, .init = setup, .fini = teardown);

/* Made, moved to the trash at the end, and taken back by the next run
 * that needs a placeholder at the same place: no directory made or deleted
 * after the first run. */
Test(host_targets, made_then_moved_to_trash_then_taken_back)
{
	const char *names[] = {".git", ".codex", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);
	struct host_targets *t = NULL;
	struct error err = {};

	cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
	cr_assert(exists_in(ws, ".git") && exists_in(ws, ".codex"));
	ino_t git = inode_of(ws, ".git"), codex = inode_of(ws, ".codex");
	host_targets_release(t);
	cr_assert(!exists_in(ws, ".git") && !exists_in(ws, ".codex"),
		  "the names leave the workspace at once");
	cr_assert_eq(count_entries(trash), 2, "the directories wait in the trash");
	host_trash_empty(HOST_TRASH_SWEEP_MAX);
	cr_assert_eq(count_entries(trash), 2, "kept for the next run");

	cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
	cr_assert_eq(count_entries(trash), 0);
	cr_assert_eq(inode_of(ws, ".git"), git, "not taken back from the trash");
	cr_assert_eq(inode_of(ws, ".codex"), codex);
	host_targets_release(t);
	cr_assert(!exists_in(ws, ".git") && !exists_in(ws, ".codex"));
	cr_assert_eq(count_entries(trash), 2);
}

/* A placeholder goes back only to the place it came from: the same path in
 * the same directory. Elsewhere (another workspace; a new directory where
 * the workspace was) a new one is made, and the old one waits on. */
Test(host_targets, placeholder_is_reused_only_at_its_own_place)
{
	const char *names[] = {".git", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);
	struct host_targets *t = NULL;
	struct error err = {};

	cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
	ino_t first = inode_of(ws, ".git");
	host_targets_release(t);

	/* Another workspace. */
	char *keep = ws;
	ws = xasprintf("%s/other", base);
	cr_assert_eq(mkdir(ws, 0755), 0);
	_cleanup_mount_plan_free_ struct mount_plan *other = plan_with(names);
	cr_assert_eq(host_targets_acquire(other, &t, &err), 0, "%s", err.message);
	cr_assert_neq(inode_of(ws, ".git"), first, "moved to another workspace");
	host_targets_release(t);
	free(ws);
	ws = keep;

	/* The same path, but a new directory there. */
	char *moved = xasprintf("%s/moved", base);
	cr_assert_eq(rename(ws, moved), 0);
	cr_assert_eq(mkdir(ws, 0755), 0);
	cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
	cr_assert_neq(inode_of(ws, ".git"), first, "moved into a new directory");
	host_targets_release(t);

	/* The same directory, moved elsewhere. */
	keep = ws;
	ws = moved;
	_cleanup_mount_plan_free_ struct mount_plan *at_moved = plan_with(names);
	cr_assert_eq(host_targets_acquire(at_moved, &t, &err), 0, "%s", err.message);
	cr_assert_neq(inode_of(ws, ".git"), first, "reused at another path");
	host_targets_release(t);
	ws = keep;
	cr_assert_eq(count_entries(trash), 4);
	free(moved);
}

/* Something written into a trash entry (by a sandbox that kept a
 * descriptor to it, say) goes back only where it came from, and stays
 * there as content that is not a placeholder's. */
Test(host_targets, content_written_in_the_trash_stays_at_its_own_place)
{
	const char *names[] = {".git", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);
	DIR *d;
	struct dirent *de;
	char *entry = NULL;

	run_once(m);
	cr_assert_not_null(d = opendir(trash));
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
			entry = xasprintf("%s/%s", trash, de->d_name);
	closedir(d);
	cr_assert_not_null(entry);
	make_file_in(entry, "HEAD");

	run_once(m);
	char *git = xasprintf("%s/.git", ws);
	cr_assert(exists_in(git, "HEAD"), "content moved away again");
	cr_assert_eq(count_entries(trash), 0);
	free(git);
	free(entry);
}

/* The sweep deletes every entry used once, and keyed entries beyond
 * HOST_TRASH_KEEP. */
Test(host_targets, trash_keeps_a_bounded_number_of_keyed_entries)
{
	const char *names[] = {".git", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);

	/* Makes the trash. */
	run_once(m);
	for (int i = 0; i < HOST_TRASH_KEEP + 4; i++) {
		char name[32];
		snprintf(name, sizeof(name), "k.test%d", i);
		make_dir_in(trash, name);
	}
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "1.2.%d", i);
		make_dir_in(trash, name);
	}
	host_trash_empty(HOST_TRASH_KEEP * 2);
	cr_assert_eq(count_entries(trash), HOST_TRASH_KEEP);
}

/* One run's placeholders, with MAKE (NAME in the workspace) done between
 * the two halves of their making, as bwrap may. */
static void run_with_made_meanwhile(const char *name, void (*make)(const char *, const char *))
{
	const char *names[] = {name, NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);
	struct host_targets *t = NULL;
	struct error err = {};

	cr_assert_eq(host_targets_begin(m, &t, &err), 0, "%s", err.message);
	make(ws, name);
	cr_assert_eq(host_targets_finish(t, m, &err), 0, "%s", err.message);
	host_targets_release(t);
}

/* bwrap makes a mount point it misses itself, and may be first. */
Test(host_targets, directory_made_meanwhile_is_adopted)
{
	run_with_made_meanwhile(".git", make_dir_in);
	cr_assert(!exists_in(ws, ".git"), "bwrap's mount point was left on the host");
}

/* Something that is not a directory is nobody's placeholder. */
Test(host_targets, file_made_meanwhile_is_left_alone)
{
	run_with_made_meanwhile(".envrc", make_file_in);
	cr_assert(exists_in(ws, ".envrc"));
	cr_assert_eq(count_entries(trash), 0);
}

/* The user fills a placeholder on the host while the sandbox runs: it is
 * theirs now, and stays where it is. With REUSED, the placeholder is taken
 * back from the trash and was last changed long ago, so it was seen empty
 * at the start and the end looks at its modification time only. */
static void expect_filled_placeholder_stays(bool reused)
{
	const char *names[] = {".git", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);
	struct host_targets *t = NULL;
	struct error err = {};
	char *git = xasprintf("%s/.git", ws);
	struct timespec long_ago[2] = {{.tv_sec = time(NULL) - 3600},
				       {.tv_sec = time(NULL) - 3600}};

	if (reused) {
		cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
		cr_assert_eq(utimensat(AT_FDCWD, git, long_ago, 0), 0);
		host_targets_release(t);
	}
	cr_assert_eq(host_targets_acquire(m, &t, &err), 0, "%s", err.message);
	make_file_in(git, "HEAD");
	host_targets_release(t);
	cr_assert(exists_in(git, "HEAD"), "the user's repository was moved away");
	cr_assert_eq(count_entries(trash), 0);
	free(git);
}

Test(host_targets, filled_placeholder_stays)
{
	expect_filled_placeholder_stays(false);
}

Test(host_targets, filled_reused_placeholder_stays)
{
	expect_filled_placeholder_stays(true);
}

/* Two runs sharing a placeholder: the first to end leaves it to the other. */
Test(host_targets, shared_placeholder_outlives_the_first_run)
{
	const char *names[] = {".git", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);
	struct host_targets *a = NULL, *b = NULL;
	struct error err = {};

	cr_assert_eq(host_targets_acquire(m, &a, &err), 0, "%s", err.message);
	cr_assert_eq(host_targets_acquire(m, &b, &err), 0, "%s", err.message);
	host_targets_release(a);
	cr_assert(exists_in(ws, ".git"), "removed while another run used it");
	host_targets_release(b);
	cr_assert(!exists_in(ws, ".git"));
}

/* The trash deletes empty directories only. */
Test(host_targets, trash_keeps_what_is_not_an_empty_directory)
{
	const char *names[] = {".git", NULL};
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with(names);

	/* Makes the trash. */
	run_once(m);
	make_dir_in(trash, "full");
	char *full = xasprintf("%s/full", trash);
	make_file_in(full, "x");
	make_file_in(trash, "file");
	host_trash_empty(HOST_TRASH_SWEEP_MAX);
	cr_assert(exists_in(full, "x") && exists_in(trash, "file"));
	cr_assert_eq(count_entries(trash), 3, "and the .git placeholder, kept for reuse");
	free(full);
}

/* A run opens the trash more than once (orphans, then its own); names
 * used once stay unique across openings, so every placeholder goes to the
 * trash. Names this long leave no room for a key. */
Test(host_targets, trash_names_are_unique_across_openings)
{
	char *v[10];
	for (int i = 0; i < 9; i++) {
		char name[NAME_MAX + 1];
		memset(name, 'a' + i, 240);
		name[240] = '\0';
		v[i] = xstrdup(name);
	}
	v[9] = NULL;
	_cleanup_mount_plan_free_ struct mount_plan *m = plan_with((const char *const *)v);
	for (int i = 0; i < 9; i++)
		free(v[i]);

	for (int round = 0; round < 2; round++) {
		run_once(m);
	}
	cr_assert_eq(count_entries(trash), 18);
}
