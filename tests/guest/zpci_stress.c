// SPDX-License-Identifier: GPL-2.0
/*
 * zpci_stress BDF...: the zPCI ioctls of several functions bound to
 * vfio-pci, from several threads at once, for a bounded time. Per function:
 *
 *  - info: VFIO_DEVICE_GET_INFO with the capability chain, which must hold
 *    the zPCI base capability every time;
 *  - feature: PROBE, GET and SET of the three zPCI device features with
 *    valid and invalid payloads, each of which must get exactly its
 *    documented result;
 *  - cycle: a device fd opened from the group, used once and closed.
 *
 * The info and feature threads reopen their own device fd every REOPEN
 * calls, so that the device's last close and first open happen now and
 * then, next to the calls of the other threads. ZPCI_STRESS_SECONDS sets the
 * run time (default 20). VFIO_SELFTESTS_ZPCI_KVM=y says the kernel has the
 * KVM part, where the features exist; without it they answer ENOTTY.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_dev.h"
#include "zpci_calls.h"

#define MAX_FUNCS	4
#define REOPEN		64

enum kind { INFO, FEATURE, CYCLE, NR_KINDS };
static const char * const kind_name[NR_KINDS] = { "info", "feature", "cycle" };

static const char *bdfs[MAX_FUNCS];
static int nr_bdfs;

struct worker {
	pthread_t thread;
	enum kind kind;
	struct vfio_dev *dev;
	time_t end;
	unsigned long calls;
	unsigned long wrong;
	char first_wrong[160];
	uint64_t info[512];
};

static void note_wrong(struct worker *w, const char *what, int err)
{
	if (!w->wrong++)
		snprintf(w->first_wrong, sizeof(w->first_wrong), "%s %s: %s",
			 w->dev->bdf, what, err ? strerror(err) : "succeeded");
}

static void call(struct worker *w, int fd)
{
	char what[64];
	int err, want = 0;

	if (w->kind == FEATURE) {
		err = zpci_feature_call(fd, w->calls, &want, what, sizeof(what));
	} else {
		err = zpci_get_info(fd, w->info, sizeof(w->info));
		snprintf(what, sizeof(what), "GET_INFO with the zPCI capabilities");
	}
	if (err != want)
		note_wrong(w, what, err);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int fd = -1;

	while (time(NULL) < w->end) {
		if (fd < 0 || w->kind == CYCLE || w->calls % REOPEN == 0) {
			if (fd >= 0)
				close(fd);
			fd = ioctl(w->dev->group, VFIO_GROUP_GET_DEVICE_FD, w->dev->bdf);
			if (fd < 0) {
				note_wrong(w, "VFIO_GROUP_GET_DEVICE_FD", errno);
				break;
			}
		}
		call(w, fd);
		w->calls++;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

FIXTURE(zpci_stress) {
	struct vfio_dev dev[MAX_FUNCS];
	struct worker workers[MAX_FUNCS * NR_KINDS];
};

FIXTURE_SETUP(zpci_stress)
{
	const char *what;
	int i;

	if (!nr_bdfs)
		SKIP(return, "no PCI function given");
	for (i = 0; i < MAX_FUNCS; i++)
		self->dev[i].container = self->dev[i].group = self->dev[i].device = -1;
	for (i = 0; i < nr_bdfs; i++)
		ASSERT_EQ(0, vfio_dev_open(&self->dev[i], bdfs[i], &what))
			TH_LOG("%s: %s: %s", bdfs[i], what, strerror(errno));
}

FIXTURE_TEARDOWN(zpci_stress)
{
	int i;

	for (i = 0; i < MAX_FUNCS; i++)
		vfio_dev_close(&self->dev[i]);
}

TEST_F_TIMEOUT(zpci_stress, threads_get_documented_results, 600)
{
	const char *s = getenv("ZPCI_STRESS_SECONDS");
	unsigned int seconds = s && *s ? strtoul(s, NULL, 0) : 20;
	unsigned long calls[NR_KINDS] = { 0 }, wrong = 0;
	time_t end = time(NULL) + seconds;
	int i, n = nr_bdfs * NR_KINDS;

	/*
	 * The group's own device fd stays closed, so that the device is
	 * opened and closed only by the workers.
	 */
	for (i = 0; i < nr_bdfs; i++) {
		close(self->dev[i].device);
		self->dev[i].device = -1;
	}
	ksft_print_msg("zpci_stress: %d functions, %d threads, %u s, KVM part %s\n",
		       nr_bdfs, n, seconds, zpci_have_kvm() ? "yes" : "no");
	for (i = 0; i < n; i++) {
		struct worker *w = &self->workers[i];

		w->kind = i % NR_KINDS;
		w->dev = &self->dev[i / NR_KINDS];
		w->end = end;
		ASSERT_EQ(0, pthread_create(&w->thread, NULL, work, w));
	}
	for (i = 0; i < n; i++) {
		struct worker *w = &self->workers[i];

		pthread_join(w->thread, NULL);
		calls[w->kind] += w->calls;
		wrong += w->wrong;
		ksft_print_msg("zpci_stress: %s %s: %lu calls, %lu wrong\n",
			       w->dev->bdf, kind_name[w->kind], w->calls, w->wrong);
		if (w->wrong)
			TH_LOG("first wrong result: %s", w->first_wrong);
		/* Every thread got work done. */
		EXPECT_LT(0, w->calls);
	}
	ksft_print_msg("zpci_stress: calls %lu (info %lu, feature %lu, cycle %lu), wrong %lu\n",
		       calls[INFO] + calls[FEATURE] + calls[CYCLE], calls[INFO],
		       calls[FEATURE], calls[CYCLE], wrong);
	EXPECT_EQ(0, wrong);
}

int main(int argc, char **argv)
{
	/* The trailing arguments that are not options are the functions. */
	while (argc > 1 && argv[argc - 1][0] != '-' && nr_bdfs < MAX_FUNCS)
		bdfs[nr_bdfs++] = argv[--argc];
	return test_harness_run(argc, argv);
}
