// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_results: judge the KUnit suites that ran at boot, one test per
 * suite, from /sys/kernel/debug/kunit/SUITE/results. KUNIT_SUITES (a
 * comma-separated list, from the kernel command line) names the suites the
 * kernel must have run; without it there is nothing to judge and the test
 * skips. A named suite without results fails: its option was set, so it
 * must have been built and run.
 *
 * scripts/soak.sh boots the debug kernel with kunit.enable=1, so that the
 * series' suites run on it under KASAN and lockdep (guest.sh fails the run
 * on any report on the console), and kmemleak_check, after this program,
 * finds what they leaked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#define KUNIT_DIR	"/sys/kernel/debug/kunit"

/* Judge one suite's results; 0 when its last line says it passed. */
static int judge_suite(struct __test_metadata *_metadata, const char *suite)
{
	char path[256], line[512], last[512] = "";
	unsigned int failed = 0;
	FILE *f;

	snprintf(path, sizeof(path), KUNIT_DIR "/%s/results", suite);
	f = fopen(path, "r");
	if (!f) {
		ksft_print_msg("%s: no results: the suite did not run\n", suite);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *s = line + strspn(line, " ");

		if (!strncmp(s, "not ok ", 7)) {
			failed++;
			ksft_print_msg("%s: %s", suite, s);
		} else if (!strncmp(s, "# ", 2) && strstr(s, "EXPECTATION FAILED")) {
			ksft_print_msg("%s: %s", suite, s);
		}
		if (s == line && line[0] != '\n')
			snprintf(last, sizeof(last), "%s", line);
	}
	fclose(f);
	/* The suite's own verdict is its last unindented line. */
	snprintf(line, sizeof(line), "ok 1 %s\n", suite);
	if (strcmp(last, line)) {
		ksft_print_msg("%s: verdict \"%.*s\"\n", suite,
			       (int)strcspn(last, "\n"), last);
		return -1;
	}
	return failed ? -1 : 0;
}

TEST(suites_passed)
{
	const char *env = getenv("KUNIT_SUITES");
	char *list, *suite, *save;
	unsigned int n = 0, bad = 0;

	if (!env || !*env)
		SKIP(return, "KUNIT_SUITES names no suite to judge");
	list = strdup(env);
	ASSERT_NE(NULL, list);
	for (suite = strtok_r(list, ",", &save); suite;
	     suite = strtok_r(NULL, ",", &save)) {
		n++;
		if (judge_suite(_metadata, suite))
			bad++;
		else
			ksft_print_msg("%s: ok\n", suite);
	}
	free(list);
	ksft_print_msg("kunit: %u suites, %u failed or missing\n", n, bad);
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
