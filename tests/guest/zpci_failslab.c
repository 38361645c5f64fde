// SPDX-License-Identifier: GPL-2.0
/*
 * zpci_failslab BDF...: slab allocations that fail in the zPCI paths of
 * vfio-pci. Each operation (a device fd that opens the device, is asked
 * for its capabilities and closed; GET_INFO with the capabilities; the zPCI
 * feature calls) runs with faults injected and must then return what it
 * returns without them or ENOMEM, and the next fault-free run must give
 * the normal result again: a failed allocation leaves nothing behind. Leaks
 * are kmemleak's to find (kmemleak_check runs after this).
 *
 * Container and group are set up without faults: VFIO_SET_IOMMU belongs to
 * the type1 and s390 IOMMU drivers, not to these paths (a failed
 * allocation in s390_iommu_get_resv_regions() drops a reserved region
 * without an error, and the function then reports an error event).
 *
 * Pass 1 is systematic: for n = 1, 2, ... the nth fault injection point the
 * thread reaches fails (/proc/thread-self/fail-nth), until the operation
 * gets through with fewer. Pass 2 is random: failslab's task filter, with
 * make-it-fail set for this thread only, fails allocations at random for
 * ZPCI_FAILSLAB_ROUNDS rounds of every operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_dev.h"
#include "zpci_calls.h"

#define MAX_FUNCS	4
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define RANDOM_TIMES	1000000
#define MAX_NTH		10000

static const char *bdfs[MAX_FUNCS];
static int nr_bdfs;

/* Buffers touched before faults are armed: a page fault must not allocate. */
static uint64_t info_buf[512];

/* ZPCI_FAILSLAB_VERBOSE=1: a line per run */
static int verbose;
static int fail_nth_fd = -1, make_it_fail_fd = -1;

/* fail-nth's number, read at offset 0 of the open file */
static long read_long(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Arm the nth fault point of this thread (0 disarms). */
static void set_fail_nth(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(fail_nth_fd, buf, strlen(buf), 0) < 0)
		abort();
}

static void set_make_it_fail(int on)
{
	if (pwrite(make_it_fail_fd, on ? "1" : "0", 1, 0) != 1)
		abort();
}

/*
 * An operation on one function, opened fault-free: 0 or an errno, and in
 * *want the result it must have.
 */
struct op {
	const char *name;
	int (*run)(struct vfio_dev *dev, const char *bdf, unsigned int i, int *want);
};

/* The group's device fd is closed, so this one opens the device. */
static int op_device_fd(struct vfio_dev *dev, const char *bdf, unsigned int i, int *want)
{
	int fd, err;

	*want = 0;
	fd = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (fd < 0)
		return errno;
	err = zpci_get_info(fd, info_buf, sizeof(info_buf));
	close(fd);
	return err;
}

static int op_info(struct vfio_dev *dev, const char *bdf, unsigned int i, int *want)
{
	*want = 0;
	return zpci_get_info(dev->device, info_buf, sizeof(info_buf));
}

static int op_feature(struct vfio_dev *dev, const char *bdf, unsigned int i, int *want)
{
	char what[64];

	return zpci_feature_call(dev->device, i, want, what, sizeof(what));
}

static const struct op ops[] = {
	{ "device-fd", op_device_fd },
	{ "info", op_info },
	{ "feature", op_feature },
};

struct tally {
	unsigned long runs, faults, enomem, wrong;
	char first_wrong[160];
};

/*
 * Run op number i of ops[o] on one function with arm() before and disarm()
 * after; judge the result and then a fault-free run. Returns the number of
 * faults injected (as disarm() counts them).
 */
static int run_once(struct tally *t, const struct op *op, const char *bdf, unsigned int i,
		    void (*arm)(unsigned long), unsigned long arg, int (*disarm)(void))
{
	struct vfio_dev dev;
	const char *what;
	int err, want, again, faulted;

	if (vfio_dev_open(&dev, bdf, &what)) {
		if (!t->wrong++)
			snprintf(t->first_wrong, sizeof(t->first_wrong),
				 "%s: fault-free open: %s: %s", bdf, what, strerror(errno));
		return 0;
	}
	if (op->run == op_device_fd) {
		close(dev.device);
		dev.device = -1;
	}
	memset(info_buf, 0, sizeof(info_buf));

	arm(arg);
	err = op->run(&dev, bdf, i, &want);
	faulted = disarm();

	again = op->run(&dev, bdf, i, &want);
	vfio_dev_close(&dev);

	t->runs++;
	t->faults += faulted;
	t->enomem += faulted && err == ENOMEM;
	if (verbose)
		ksft_print_msg("zpci_failslab: %s %s #%u arm %lu: %d faults, got %d, again %d, want %d\n",
			       bdf, op->name, i, arg, faulted, err, again, want);
	if ((err != want && err != ENOMEM) || again != want) {
		if (!t->wrong++)
			snprintf(t->first_wrong, sizeof(t->first_wrong),
				 "%s %s #%u arm %lu: got %s, fault-free again %s, want %s", bdf,
				 op->name, i, arg, strerror(err), strerror(again), strerror(want));
	}
	return faulted;
}

/* ZPCI_FAILSLAB_TRACE=n: the kernel prints the stack of the nth fault. */
static unsigned long trace_nth;

static void arm_nth(unsigned long n)
{
	if (trace_nth)
		write_file(FAILSLAB "verbose", n == trace_nth ? "2" : "0");
	set_fail_nth(n);
}

/* fail-nth reads 0 once the armed fault was injected. */
static int disarm_nth(void)
{
	long left = read_long(fail_nth_fd);

	set_fail_nth(0);
	return left == 0;
}

/*
 * failslab's times counts down once per fault injected. Its debugfs file
 * cannot be read with pread(), so it is opened for each read, while no
 * fault can be injected.
 */
static long random_left;

static long failslab_times(void)
{
	int fd = open(FAILSLAB "times", O_RDONLY);
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static void arm_random(unsigned long unused)
{
	random_left = failslab_times();
	set_make_it_fail(1);
}

static int disarm_random(void)
{
	set_make_it_fail(0);
	return random_left - failslab_times();
}

FIXTURE(zpci_failslab) {
	struct tally tally[ARRAY_SIZE(ops)];
};

FIXTURE_SETUP(zpci_failslab)
{
	if (!nr_bdfs)
		SKIP(return, "no PCI function given");
	if (access(FAILSLAB "probability", W_OK))
		SKIP(return, "no failslab in this kernel (CONFIG_FAILSLAB, debugfs)");
	verbose = getenv("ZPCI_FAILSLAB_VERBOSE") != NULL;
	trace_nth = strtoul(getenv("ZPCI_FAILSLAB_TRACE") ?: "0", NULL, 0);
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	make_it_fail_fd = open("/proc/thread-self/make-it-fail", O_RDWR);
	ASSERT_LE(0, fail_nth_fd);
	ASSERT_LE(0, make_it_fail_fd);
	/*
	 * GFP_KERNEL allocations too, and quietly: a stack trace per fault
	 * would read as a kernel problem on the console.
	 */
	ASSERT_EQ(0, write_file(FAILSLAB "ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_file(FAILSLAB "verbose", "0"));
	ASSERT_EQ(0, write_file(FAILSLAB "task-filter", "Y"));
}

FIXTURE_TEARDOWN(zpci_failslab)
{
	write_file(FAILSLAB "probability", "0");
	if (fail_nth_fd >= 0)
		close(fail_nth_fd);
	if (make_it_fail_fd >= 0)
		close(make_it_fail_fd);
}

static unsigned long report(struct __test_metadata *_metadata, struct tally *tally,
			    const char *pass)
{
	unsigned long faults = 0;
	unsigned int o;

	for (o = 0; o < ARRAY_SIZE(ops); o++) {
		struct tally *t = &tally[o];

		ksft_print_msg("zpci_failslab: %s %s: %lu runs, %lu faults injected, %lu ENOMEM, %lu wrong\n",
			       pass, ops[o].name, t->runs, t->faults, t->enomem, t->wrong);
		if (t->wrong)
			TH_LOG("%s %s: first wrong: %s", pass, ops[o].name, t->first_wrong);
		EXPECT_EQ(0, t->wrong);
		faults += t->faults;
	}
	return faults;
}

TEST_F_TIMEOUT(zpci_failslab, systematic_faults_leave_clean_results, 1200)
{
	unsigned long faults;
	unsigned int o, f, i, n;

	for (o = 0; o < ARRAY_SIZE(ops); o++) {
		unsigned int variants = ops[o].run == op_feature ? ZPCI_FEATURE_CALLS : 1;

		for (f = 0; f < nr_bdfs; f++)
			for (i = 0; i < variants; i++)
				for (n = 1; n < MAX_NTH; n++)
					if (!run_once(&self->tally[o], &ops[o], bdfs[f], i,
						      arm_nth, n, disarm_nth))
						break;
	}
	faults = report(_metadata, self->tally, "systematic");
	ksft_print_msg("zpci_failslab: systematic: %lu faults injected\n", faults);
	/* Opening the device and GET_INFO allocate: faults were injected. */
	EXPECT_LT(0, self->tally[0].faults);
	EXPECT_LT(0, self->tally[1].faults);
}

TEST_F_TIMEOUT(zpci_failslab, random_faults_leave_clean_results, 1200)
{
	const char *s = getenv("ZPCI_FAILSLAB_ROUNDS");
	unsigned int rounds = s && *s ? strtoul(s, NULL, 0) : 200;
	unsigned long faults;
	unsigned int o, f, r;
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", RANDOM_TIMES);
	ASSERT_EQ(0, write_file(FAILSLAB "times", buf));
	ASSERT_EQ(0, write_file(FAILSLAB "interval", "1"));
	ASSERT_EQ(0, write_file(FAILSLAB "probability", "10"));
	ASSERT_EQ(RANDOM_TIMES, failslab_times());

	for (r = 0; r < rounds; r++)
		for (o = 0; o < ARRAY_SIZE(ops); o++)
			for (f = 0; f < nr_bdfs; f++)
				run_once(&self->tally[o], &ops[o], bdfs[f], r, arm_random, 0,
					 disarm_random);
	faults = report(_metadata, self->tally, "random");
	ksft_print_msg("zpci_failslab: random: %lu faults injected (10%% of this thread's allocations)\n",
		       faults);
	EXPECT_LT(0, faults);
}

int main(int argc, char **argv)
{
	while (argc > 1 && argv[argc - 1][0] != '-' && nr_bdfs < MAX_FUNCS)
		bdfs[nr_bdfs++] = argv[--argc];
	return test_harness_run(argc, argv);
}
