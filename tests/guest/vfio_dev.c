// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_dev.h"

int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	if (n >= 0 && n != (ssize_t)strlen(val))
		errno = EIO;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

int vfio_dev_sysfs_read(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return n;
}

static int group_of(const char *bdf)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	return atoi(basename(target));
}

int vfio_dev_open(struct vfio_dev *dev, const char *bdf, const char **what)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int err;

	memset(dev, 0, sizeof(*dev));
	dev->bdf = bdf;
	dev->container = dev->group = dev->device = -1;

	*what = "no iommu_group link";
	dev->group_id = group_of(bdf);
	if (dev->group_id < 0)
		goto fail;
	*what = "open /dev/vfio/vfio";
	dev->container = open("/dev/vfio/vfio", O_RDWR);
	if (dev->container < 0)
		goto fail;
	*what = "open the group";
	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->group_id);
	dev->group = open(path, O_RDWR);
	if (dev->group < 0)
		goto fail;
	*what = "VFIO_GROUP_GET_STATUS";
	if (ioctl(dev->group, VFIO_GROUP_GET_STATUS, &status))
		goto fail;
	*what = "group not viable";
	errno = EBUSY;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		goto fail;
	*what = "VFIO_GROUP_SET_CONTAINER";
	if (ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container))
		goto fail;
	*what = "VFIO_SET_IOMMU";
	if (ioctl(dev->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		goto fail;
	*what = "VFIO_GROUP_GET_DEVICE_FD";
	dev->device = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev->device < 0)
		goto fail;
	*what = NULL;
	return 0;
fail:
	err = errno;
	vfio_dev_close(dev);
	errno = err;
	return -1;
}

void vfio_dev_close(struct vfio_dev *dev)
{
	if (dev->device >= 0)
		close(dev->device);
	if (dev->group >= 0)
		close(dev->group);
	if (dev->container >= 0)
		close(dev->container);
	dev->container = dev->group = dev->device = -1;
}

struct vfio_device_info *vfio_dev_get_info(int device)
{
	struct vfio_device_info probe = { .argsz = sizeof(probe) };
	struct vfio_device_info *info;

	if (ioctl(device, VFIO_DEVICE_GET_INFO, &probe))
		return NULL;
	if (probe.argsz < sizeof(probe))
		probe.argsz = sizeof(probe);
	info = calloc(1, probe.argsz);
	if (!info)
		return NULL;
	info->argsz = probe.argsz;
	if (ioctl(device, VFIO_DEVICE_GET_INFO, info)) {
		free(info);
		return NULL;
	}
	return info;
}
