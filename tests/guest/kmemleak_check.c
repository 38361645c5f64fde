// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak_check: ask kmemleak for a scan now and fail on any unreferenced
 * object it reports, printing the first reports. Run it last: kmemleak
 * reports only objects older than five seconds, so it waits that long
 * first, and it scans twice, as kmemleak's documentation advises, so that
 * objects only in flight during the first scan are not reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vfio_dev.h"

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define SHOW_LINES	60

/* A fixture for TEST_F_TIMEOUT: a scan of a debug kernel takes a while. */
FIXTURE(kmemleak) {
	int unused;
};

FIXTURE_SETUP(kmemleak)
{
}

FIXTURE_TEARDOWN(kmemleak)
{
}

TEST_F_TIMEOUT(kmemleak, no_unreferenced_objects, 900)
{
	unsigned int leaks = 0, lines = 0;
	char line[512];
	FILE *f;

	if (access(KMEMLEAK, W_OK))
		SKIP(return, "no kmemleak in this kernel (CONFIG_DEBUG_KMEMLEAK, debugfs)");
	sleep(6);
	ASSERT_EQ(0, write_file(KMEMLEAK, "scan")) TH_LOG("scan: %s", strerror(errno));
	ASSERT_EQ(0, write_file(KMEMLEAK, "scan")) TH_LOG("scan: %s", strerror(errno));
	f = fopen(KMEMLEAK, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		leaks += !strncmp(line, "unreferenced object", 19);
		if (lines++ < SHOW_LINES)
			printf("# %s", line);
	}
	fclose(f);
	ksft_print_msg("kmemleak: %u leaks reported\n", leaks);
	EXPECT_EQ(0, leaks);
}

TEST_HARNESS_MAIN
