// SPDX-License-Identifier: GPL-2.0
/*
 * zpci_bench BDF: the time of VFIO_DEVICE_GET_INFO with the zPCI
 * capabilities, the call QEMU makes for every zPCI function it passes
 * through. After a warm-up, ZPCI_BENCH_CALLS calls (default 100,000) with
 * a buffer large enough for the whole chain, timed with CLOCK_MONOTONIC.
 * Prints "zpci_bench: BDF: N calls, T ns per call" for scripts/bench.sh;
 * under QEMU's -icount the guest's clock counts instructions, so the figure
 * repeats from run to run. Every call must succeed and report the zPCI
 * base capability.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vfio_dev.h"
#include "zpci_calls.h"

#define WARMUP	1000

static const char *bdf;

FIXTURE(zpci_bench) {
	struct vfio_dev dev;
	uint64_t info[512];
};

FIXTURE_SETUP(zpci_bench)
{
	const char *what;

	if (!bdf)
		SKIP(return, "no PCI function given");
	ASSERT_EQ(0, vfio_dev_open(&self->dev, bdf, &what))
		TH_LOG("%s: %s: %s", bdf, what, strerror(errno));
}

FIXTURE_TEARDOWN(zpci_bench)
{
	vfio_dev_close(&self->dev);
}

TEST_F_TIMEOUT(zpci_bench, get_info_with_caps, 600)
{
	const char *s = getenv("ZPCI_BENCH_CALLS");
	unsigned long calls = s && *s ? strtoul(s, NULL, 0) : 100000;
	struct timespec t0, t1;
	unsigned long i, failed = 0;
	double ns;
	int err;

	for (i = 0; i < WARMUP; i++)
		ASSERT_EQ(0, zpci_get_info(self->dev.device, self->info, sizeof(self->info)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < calls; i++) {
		err = zpci_get_info(self->dev.device, self->info, sizeof(self->info));
		failed += err != 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
	ksft_print_msg("zpci_bench: %s: %lu calls, %.0f ns per call\n", bdf, calls,
		       calls ? ns / calls : 0);
	EXPECT_EQ(0, failed);
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[argc - 1][0] != '-')
		bdf = argv[--argc];
	return test_harness_run(argc, argv);
}
