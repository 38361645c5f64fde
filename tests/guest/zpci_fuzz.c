// SPDX-License-Identifier: GPL-2.0
/*
 * zpci_fuzz BDF: a bounded, seeded random test of the zPCI ioctls of a
 * function bound to vfio-pci: VFIO_DEVICE_FEATURE with the zPCI features
 * and unknown ones, random flags, argsz and payloads, and
 * VFIO_DEVICE_GET_INFO with random argsz. Every call must succeed or fail
 * with an errno the uAPI documents, and the device must still report its
 * capabilities at the end. ZPCI_FUZZ_SEED and ZPCI_FUZZ_CALLS override the
 * seed and the number of calls; the seed is printed, so a failure repeats.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vfio_dev.h"

#define DEFAULT_SEED	20261123u
#define DEFAULT_CALLS	100000u
#define BUF_SIZE	4096

static const char *bdf;

/* xorshift64*: small, and the same sequence on every libc */
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

/* The errnos VFIO_DEVICE_FEATURE and VFIO_DEVICE_GET_INFO document */
static int clean_errno(int err)
{
	switch (err) {
	case EINVAL: case E2BIG: case ENOTTY: case ENXIO: case EFAULT:
	case EOPNOTSUPP: case EBUSY: case ENOMEM:
		return 1;
	}
	return 0;
}

/* A random argsz: mostly near the sizes that matter, sometimes anything */
static uint32_t rnd_argsz(uint32_t header)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % (header + 64);
	case 1:
		return header + 8 * (rnd() % 6);
	case 2:
		return rnd() % BUF_SIZE;
	default:
		return (uint32_t)rnd();
	}
}

FIXTURE(zpci_fuzz) {
	struct vfio_dev dev;
	uint64_t buf[BUF_SIZE / 8];
};

FIXTURE_SETUP(zpci_fuzz)
{
	const char *what;

	if (!bdf)
		SKIP(return, "no PCI function given");
	ASSERT_EQ(0, vfio_dev_open(&self->dev, bdf, &what))
		TH_LOG("%s: %s: %s", bdf, what, strerror(errno));
}

FIXTURE_TEARDOWN(zpci_fuzz)
{
	vfio_dev_close(&self->dev);
}

TEST_F_TIMEOUT(zpci_fuzz, random_calls_get_success_or_a_clean_errno, 600)
{
	unsigned int seed = env_uint("ZPCI_FUZZ_SEED", DEFAULT_SEED);
	unsigned int calls = env_uint("ZPCI_FUZZ_CALLS", DEFAULT_CALLS);
	unsigned int i, ok = 0, failed = 0, bad = 0;
	unsigned int errs[256] = { 0 };
	struct vfio_device_info *info;

	ksft_print_msg("zpci_fuzz: %s: seed %u, %u calls\n", bdf, seed, calls);
	rnd_state = seed ? seed : 1;
	for (i = 0; i < calls; i++) {
		struct vfio_device_feature *feat = (void *)self->buf;
		struct vfio_device_info *di = (void *)self->buf;
		unsigned long request;
		int j, ret;

		for (j = 0; j < BUF_SIZE / 8; j++)
			self->buf[j] = rnd() % 3 ? 0 : rnd();
		if (rnd() % 4) {
			/* zPCI features (and the next number) mostly, others sometimes */
			uint32_t id = rnd() % 8 ? VFIO_DEVICE_FEATURE_ZPCI_INTERP + rnd() % 4 :
						  rnd() & 0xffff;
			uint32_t ops = (rnd() % 8) << 16;

			feat->argsz = rnd_argsz(sizeof(*feat));
			feat->flags = id | ops | (rnd() % 16 ? 0 : (uint32_t)rnd());
			request = VFIO_DEVICE_FEATURE;
		} else {
			di->argsz = rnd_argsz(sizeof(*di));
			/* argsz beyond the buffer would let the kernel write past it */
			if (di->argsz > BUF_SIZE)
				di->argsz = BUF_SIZE;
			request = VFIO_DEVICE_GET_INFO;
		}
		ret = ioctl(self->dev.device, request, self->buf);
		if (!ret) {
			ok++;
			continue;
		}
		failed++;
		errs[errno & 0xff]++;
		if (!clean_errno(errno) && bad++ < 10)
			TH_LOG("seed %u call %u: %s argsz %u flags 0x%x: %s", seed, i,
			       request == VFIO_DEVICE_FEATURE ? "FEATURE" : "GET_INFO",
			       feat->argsz, feat->flags, strerror(errno));
	}
	ksft_print_msg("zpci_fuzz: %u calls: %u succeeded, %u failed (EINVAL %u, ENOTTY %u, ENXIO %u, EFAULT %u, other %u)\n",
		       calls, ok, failed, errs[EINVAL], errs[ENOTTY], errs[ENXIO],
		       errs[EFAULT], failed - errs[EINVAL] - errs[ENOTTY] -
		       errs[ENXIO] - errs[EFAULT]);
	EXPECT_EQ(0, bad);
	/* Both kinds of call happened, and both ways. */
	EXPECT_LT(0, ok);
	EXPECT_LT(0, errs[EINVAL]);

	/* The device is as it was: the capabilities are still there. */
	info = vfio_dev_get_info(self->dev.device);
	ASSERT_NE(NULL, info);
	EXPECT_TRUE(info->flags & VFIO_DEVICE_FLAGS_CAPS);
	free(info);
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[argc - 1][0] != '-')
		bdf = argv[--argc];
	return test_harness_run(argc, argv);
}
