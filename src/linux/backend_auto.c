/* `--backend auto`, the default (DESIGN.md §5): the strongest backend that
 * works here, in this order, each with a check from facts:
 *
 *   bwrap     a bwrap on PATH outside the workspace, and user namespaces
 *             it can create (a set-user-ID bwrap makes its own; under
 *             AppArmor's restriction the distribution's bwrap may have a
 *             profile that allows them, so it is tried);
 *   builtin   user namespaces;
 *   landlock  Landlock, and a profile without carve-outs it cannot express
 *             (or --allow-weaker).
 *
 * What a check costs, on every run: the bwrap lookup on PATH (cordon does
 * it anyway), reading /proc/sys/kernel/osrelease and /proc/version (WSL),
 * and one clone(CLONE_NEWUSER | CLONE_VM | CLONE_VFORK) of a child that
 * exits at once (about 50 µs, against milliseconds for a bwrap sandbox);
 * the sysctls are read only when that fails, to name the cause. A check
 * that passes is not the last word: bwrap is then run for real, and when
 * it fails before the command started (it reports the start on its status
 * descriptor) nothing ran, so the next backend is tried; never once the
 * command ran, so a command never runs twice.
 *
 * The reasons for moving down are printed once, on one line, before a
 * lower backend runs; when none can run, they make the one-line refusal
 * (exit 125). Nothing runs with less isolation than the profile asks:
 * landlock keeps its own refusal of carve-outs. */
#include "linux/backend.h"
#include "linux/probe.h"
#include "plan/landlock_plan.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strv.h"

struct auto_ctx {
	const struct sandbox_request *req;
	bool userns_probed;
	struct userns_status userns;
	bool wsl_probed;
	enum wsl_version wsl;
	char *bwrap; /* found by check_bwrap, handed to the bwrap backend */
};

typedef int (*backend_run_fn)(const struct sandbox_request *req, int *ret_status,
			      struct error *reterr);

struct auto_step {
	enum backend_kind kind;
	/* 0 to try it; otherwise *RET_WHY says why not. */
	int (*check)(struct auto_ctx *c, char **ret_why);
	/* NULL: this build has no such backend. */
	backend_run_fn run;
};

static enum wsl_version ctx_wsl(struct auto_ctx *c)
{
	if (!c->wsl_probed) {
		c->wsl = probe_wsl();
		c->wsl_probed = true;
	}
	return c->wsl;
}

static const struct userns_status *ctx_userns(struct auto_ctx *c)
{
	if (!c->userns_probed) {
		probe_userns(&c->userns);
		c->userns_probed = true;
	}
	return &c->userns;
}

static char *userns_why(const struct userns_status *s)
{
	if (s->fix)
		return xasprintf("%s (fix: %s)", s->message, s->fix);
	return xstrdup(s->message);
}

static int check_bwrap(struct auto_ctx *c, char **ret_why)
{
	struct error err = {};

	if (ctx_wsl(c) == WSL_1) {
		*ret_why = userns_why(ctx_userns(c));
		return -EOPNOTSUPP;
	}
	free(c->bwrap);
	c->bwrap = NULL;
	if (backend_bwrap_find(c->req->untrusted_dirs, &c->bwrap, &err) < 0) {
		*ret_why = xstrdup(err.message);
		error_clear(&err);
		return -ENOENT;
	}
	if (probe_setuid_root(c->bwrap))
		return 0;
	const struct userns_status *u = ctx_userns(c);
	if (u->cause == USERNS_OK || u->cause == USERNS_APPARMOR)
		return 0;
	*ret_why = userns_why(u);
	return -EPERM;
}

static int check_userns(struct auto_ctx *c, char **ret_why)
{
	const struct userns_status *u = ctx_userns(c);

	if (u->cause == USERNS_OK)
		return 0;
	*ret_why = userns_why(u);
	return -EPERM;
}

static int check_landlock(struct auto_ctx *c, char **ret_why)
{
	_cleanup_landlock_plan_free_ struct landlock_plan *lp = NULL;
	struct error err = {};
	int abi, r;

	r = backend_landlock_prepare(c->req, &abi, &lp, &err);
	if (r < 0) {
		*ret_why = xstrdup(err.message);
		error_clear(&err);
		return r;
	}
	if (backend_landlock_check(c->req, lp, NULL) < 0) {
		_cleanup_free_ char *what = landlock_plan_losses_summary(lp);
		*ret_why = xasprintf("cannot enforce %s (Landlock only grants whole trees; "
				     "--allow-weaker accepts that)",
				     what);
		return -EPERM;
	}
	return 0;
}

/* The order of preference. */
static const struct auto_step auto_steps[] = {
	{ BACKEND_BWRAP, check_bwrap, backend_bwrap_run },
	{ BACKEND_BUILTIN, check_userns, backend_builtin_run },
	{ BACKEND_LANDLOCK, check_landlock, backend_landlock_run },
};

static void add_reason(struct strbuf *reasons, enum backend_kind k, const char *why)
{
	if (reasons->len)
		strbuf_puts(reasons, "; ");
	strbuf_printf(reasons, "%s: %s", backend_kind_to_string(k), why);
}

size_t backend_auto_check(const struct sandbox_request *req, struct backend_verdict *ret,
			  size_t n)
{
	struct auto_ctx c = { .req = req };
	size_t k = 0;

	for (size_t i = 0; i < ELEMENTSOF(auto_steps) && k < n; i++, k++) {
		const struct auto_step *s = &auto_steps[i];
		char *why = NULL;

		ret[k] = (struct backend_verdict){ .kind = s->kind };
		if (!s->run)
			why = xstrdup("not available in this build");
		else if (s->check(&c, &why) >= 0)
			ret[k].usable = true;
		ret[k].why = why;
	}
	userns_status_done(&c.userns);
	free(c.bwrap);
	return k;
}

int backend_auto_run(const struct sandbox_request *req, int *ret_status, struct error *reterr)
{
	struct auto_ctx c = { .req = req };
	struct strbuf reasons = {};
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(auto_steps); i++) {
		const struct auto_step *s = &auto_steps[i];
		_cleanup_free_ char *why = NULL;

		if (!s->run) {
			add_reason(&reasons, s->kind, "not available in this build");
			continue;
		}
		if (s->check(&c, &why) < 0) {
			add_reason(&reasons, s->kind, why);
			continue;
		}
		if (reasons.len)
			fprintf(stderr, "cordon: backend auto: using %s (%s)\n",
				backend_kind_to_string(s->kind), reasons.s);
		/* The bwrap the check looked at is the one that runs. */
		struct sandbox_request checked = *req;
		checked.bwrap = c.bwrap;
		r = s->run(&checked, ret_status, reterr);
		if (r != -BACKEND_ENOTSTARTED)
			goto done;
		/* The launcher failed before the command started: nothing ran.
		 * Name the cause when the probe found one. */
		const struct userns_status *u = ctx_userns(&c);
		if (u->cause != USERNS_OK) {
			_cleanup_free_ char *cause = userns_why(u);
			add_reason(&reasons, s->kind, cause);
		} else {
			add_reason(&reasons, s->kind,
				   error_is_set(reterr) ? reterr->message
							: "could not set up the sandbox here");
		}
		error_clear(reterr);
	}
	r = error_setf_errno(reterr, -EOPNOTSUPP, NULL, 0, 0,
			     "no backend can enforce profile %s here: %s",
			     req->policy->profile_name, reasons.s ? reasons.s : "");
done:
	userns_status_done(&c.userns);
	free(c.bwrap);
	free(reasons.s);
	return r;
}
