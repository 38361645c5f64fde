/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening a PCI function that init bound to vfio-pci, through the legacy
 * container and group interface, for the guest test programs.
 */
#ifndef GUEST_VFIO_DEV_H
#define GUEST_VFIO_DEV_H

#include <linux/vfio.h>

struct vfio_dev {
	const char *bdf;	/* e.g. "0005:00:00.0" */
	int group_id;
	int container;
	int group;
	int device;
};

/*
 * Open container, group and device; on failure return -1 with errno set and
 * a short reason in *what. Nothing stays open on failure.
 */
int vfio_dev_open(struct vfio_dev *dev, const char *bdf, const char **what);
void vfio_dev_close(struct vfio_dev *dev);

/*
 * VFIO_DEVICE_GET_INFO with the capability chain: first with the bare struct
 * to learn the size the kernel needs, then with that size. Returns a malloc'd
 * buffer (free() it) or NULL with errno set.
 */
struct vfio_device_info *vfio_dev_get_info(int device);

/* Write val to a sysfs, debugfs or proc file: 0, or -1 with errno set. */
int write_file(const char *path, const char *val);

/* Read a sysfs attribute of the function into buf, without the newline. */
int vfio_dev_sysfs_read(const char *bdf, const char *attr, char *buf, size_t len);

#endif
