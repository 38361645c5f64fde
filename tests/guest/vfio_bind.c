// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_bind BDF: the harness's own guest test. The function init bound is
 * usable through vfio-pci: driver, viable group, device fd, PCI device info
 * and config space that agrees with sysfs. This is upstream 6.12 behaviour
 * and must hold in every cell, before and after the series.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "vfio_dev.h"

static const char *bdf;

FIXTURE(vfio_bind) {
	struct vfio_dev dev;
};

FIXTURE_SETUP(vfio_bind)
{
	const char *what;

	if (!bdf)
		SKIP(return, "no PCI function given");
	ASSERT_EQ(0, vfio_dev_open(&self->dev, bdf, &what))
		TH_LOG("%s: %s: %s", bdf, what, strerror(errno));
}

FIXTURE_TEARDOWN(vfio_bind)
{
	vfio_dev_close(&self->dev);
}

TEST_F(vfio_bind, driver_is_vfio_pci)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	ASSERT_GT(n, 0);
	target[n] = '\0';
	EXPECT_STREQ("vfio-pci", strrchr(target, '/') + 1);
}

TEST_F(vfio_bind, device_info_is_pci)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, ioctl(self->dev.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_GE(info.num_regions, VFIO_PCI_NUM_REGIONS);
	EXPECT_GE(info.num_irqs, VFIO_PCI_NUM_IRQS);
}

TEST_F(vfio_bind, config_space_matches_sysfs)
{
	struct vfio_region_info reg = {
		.argsz = sizeof(reg),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	unsigned short vendor, device;
	char buf[32];

	ASSERT_EQ(0, ioctl(self->dev.device, VFIO_DEVICE_GET_REGION_INFO, &reg));
	ASSERT_EQ(2, pread(self->dev.device, &vendor, 2, reg.offset));
	ASSERT_EQ(2, pread(self->dev.device, &device, 2, reg.offset + 2));
	/* Config space is little endian; s390 is big endian. */
	vendor = le16toh(vendor);
	device = le16toh(device);
	ASSERT_LT(0, vfio_dev_sysfs_read(bdf, "vendor", buf, sizeof(buf)));
	EXPECT_EQ(strtoul(buf, NULL, 0), vendor);
	ASSERT_LT(0, vfio_dev_sysfs_read(bdf, "device", buf, sizeof(buf)));
	EXPECT_EQ(strtoul(buf, NULL, 0), device);
}

int main(int argc, char **argv)
{
	/* The function's address is the last argument, not a harness option. */
	if (argc > 1 && argv[argc - 1][0] != '-')
		bdf = argv[--argc];
	else
		bdf = getenv("VFIO_SELFTESTS_BDF");
	return test_harness_run(argc, argv);
}
