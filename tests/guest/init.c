// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the test guest. Mounts proc, sysfs and devtmpfs, loads the
 * modules listed in /lib/modules/order, binds every PCI function to vfio-pci
 * and runs the test programs of /tests/list, between marker lines that the
 * host reads:
 *
 *   guest: run PROG BDF
 *   ... the program's output (TAP for tests) ...
 *   guest: exit PROG BDF status=N
 *
 * then prints "guest: done" and powers off. A list line "PROG" runs PROG once
 * per bound function, with its BDF as argument; "PROG all" runs it once with
 * every bound function as arguments (BDF "all" in the markers).
 *
 * Kernel command line: guest.list=NAME runs /tests/NAME.list instead;
 * guest.tests=a,b runs only the programs a and b, once per function;
 * guest.mode=exit (init exits, so the kernel panics) and guest.mode=hang
 * (init never finishes) let the host check that its runner catches both.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vfio_dev.h"

#define MAX_FUNCS 16

static char cmdline[4096];
static char *funcs[MAX_FUNCS];
static int nr_funcs;

/* Value of "key=" on the kernel command line, or NULL. */
static const char *cmdline_get(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=') {
			p += klen + 1;
			snprintf(buf, len, "%.*s", (int)strcspn(p, " \n"), p);
			return buf;
		}
		p += klen;
	}
	return NULL;
}

static void load_modules(void)
{
	char line[PATH_MAX], path[PATH_MAX + 16];
	FILE *order = fopen("/lib/modules/order", "r");

	if (!order)
		return;
	while (fgets(line, sizeof(line), order)) {
		int fd;

		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "/lib/modules/%s", line);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
			printf("guest: module %s: %s\n", line, strerror(errno));
		else
			printf("guest: module %s: loaded\n", line);
		if (fd >= 0)
			close(fd);
	}
	fclose(order);
}

static void bind_one(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *drv;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	write_file(path, "vfio-pci");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	write_file(path, bdf);		/* fails harmlessly when unbound */
	write_file("/sys/bus/pci/drivers_probe", bdf);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	drv = n > 0 ? strrchr(target, '/') + 1 : "none";
	if (strcmp(drv, "vfio-pci")) {
		printf("guest: bind %s: FAILED (driver %s)\n", bdf, drv);
		return;
	}
	printf("guest: bind %s: vfio-pci\n", bdf);
	if (nr_funcs < MAX_FUNCS)
		funcs[nr_funcs++] = strdup(bdf);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void bind_all(void)
{
	struct dirent **ents;
	int i, n = scandir("/sys/bus/pci/devices", &ents, NULL, by_name);

	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.')
			bind_one(ents[i]->d_name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	printf("guest: %d functions bound to vfio-pci\n", nr_funcs);
}

/* Run /tests/PROG on one function (bdf) or, with bdf NULL, on all. */
static void run_test(const char *prog, const char *bdf)
{
	char *argv[MAX_FUNCS + 2] = { (char *)prog };
	const char *label = bdf ? bdf : "all";
	char path[PATH_MAX];
	int i, status = 0;
	pid_t pid;

	if (bdf)
		argv[1] = (char *)bdf;
	else
		for (i = 0; i < nr_funcs; i++)
			argv[i + 1] = funcs[i];
	snprintf(path, sizeof(path), "/tests/%s", prog);
	printf("guest: run %s %s\n", prog, label);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		printf("guest: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 0x7f00;	/* reported as exit 127 */
	if (WIFSIGNALED(status))
		printf("guest: exit %s %s status=signal%d\n", prog, label, WTERMSIG(status));
	else
		printf("guest: exit %s %s status=%d\n", prog, label, WEXITSTATUS(status));
}

static void run_tests(void)
{
	char list[1024], line[256], path[PATH_MAX];
	FILE *f;
	int i;

	if (cmdline_get("guest.tests", list, sizeof(list))) {
		char *save, *prog;

		for (prog = strtok_r(list, ",", &save); prog; prog = strtok_r(NULL, ",", &save))
			for (i = 0; i < nr_funcs; i++)
				run_test(prog, funcs[i]);
		return;
	}
	if (cmdline_get("guest.list", list, sizeof(list)))
		snprintf(path, sizeof(path), "/tests/%s.list", list);
	else
		snprintf(path, sizeof(path), "/tests/list");
	f = fopen(path, "r");
	if (!f) {
		printf("guest: %s: %s\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *prog = strtok(line, " \n"), *scope = strtok(NULL, " \n");

		if (!prog)
			continue;
		if (scope && !strcmp(scope, "all"))
			run_test(prog, NULL);
		else
			for (i = 0; i < nr_funcs; i++)
				run_test(prog, funcs[i]);
	}
	fclose(f);
}

int main(void)
{
	char mode[32] = "run";
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	/* failslab and kmemleak controls, in kernels that have them */
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);

		cmdline[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	setenv("PATH", "/tests:/bin", 1);
	cmdline_get("guest.mode", mode, sizeof(mode));
	printf("guest: init started (mode %s)\n", mode);

	if (!strcmp(mode, "exit"))
		return 0;	/* the kernel panics: init exited */
	if (!strcmp(mode, "hang"))
		for (;;)
			pause();

	load_modules();
	bind_all();
	run_tests();
	printf("guest: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
