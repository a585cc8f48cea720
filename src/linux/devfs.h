/* A minimal /dev for the builtin sandbox, the one bubblewrap's --dev makes:
 * null zero full random urandom tty (bound from the host, device access
 * kept), stdin/stdout/stderr/fd/core symlinks into /proc, an empty shm, a
 * private devpts instance with its ptmx, and console when cordon's stdout
 * is a terminal (so that ttyname() works inside). No disk, no /dev/mem. */
#pragma once

/* DEV_FD is the root of the fresh tmpfs mounted on the sandbox's /dev;
 * HOST_DEV is where the host's /dev is (e.g. "/oldroot/dev"); HOST_TTY the
 * host path of cordon's terminal, or NULL. On failure *RET_DETAIL says
 * which node. 0 or -errno; syscalls only. */
int devfs_populate(int dev_fd, const char *host_dev, const char *host_tty, int *ret_detail);
