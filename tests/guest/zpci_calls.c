// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/vfio_zdev.h>

#include "zpci_calls.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	uint32_t id;
	uint32_t size;
} features[] = {
	{ VFIO_DEVICE_FEATURE_ZPCI_INTERP, sizeof(struct vfio_device_zpci_interp) },
	{ VFIO_DEVICE_FEATURE_ZPCI_AIF, sizeof(struct vfio_device_zpci_aif) },
};

#define FULL	UINT32_MAX	/* the payload is the feature's struct */

/* Results with the KVM part and without it (no feature: ENOTTY). */
static const struct {
	const char *name;
	uint32_t ops;
	uint32_t payload;
	int invalid;
	int want_kvm;
	int want_nokvm;
} cases[] = {
	{ "probe", VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		   VFIO_DEVICE_FEATURE_SET, 0, 0, 0, ENOTTY },
	/* No KVM: GET and a valid SET find nothing to act on. */
	{ "get", VFIO_DEVICE_FEATURE_GET, FULL, 0, ENXIO, ENOTTY },
	{ "set", VFIO_DEVICE_FEATURE_SET, FULL, 0, ENXIO, ENOTTY },
	{ "set-invalid", VFIO_DEVICE_FEATURE_SET, FULL, 1, EINVAL, ENOTTY },
	{ "get-short", VFIO_DEVICE_FEATURE_GET, 4, 0, EINVAL, ENOTTY },
	{ "unknown-flag", VFIO_DEVICE_FEATURE_GET | (1u << 20), FULL, 0, EINVAL, EINVAL },
};

int zpci_have_kvm(void)
{
	const char *v = getenv("VFIO_SELFTESTS_ZPCI_KVM");

	return v && !strcmp(v, "y");
}

int zpci_feature_call(int fd, unsigned int n, int *want, char *what, size_t len)
{
	unsigned int c = n % ARRAY_LEN(cases);
	unsigned int f = n / ARRAY_LEN(cases) % ARRAY_LEN(features);
	uint64_t buf[8] = { 0 };
	struct vfio_device_feature *feat = (void *)buf;
	uint32_t payload = cases[c].payload == FULL ? features[f].size : cases[c].payload;

	feat->argsz = sizeof(*feat) + payload;
	feat->flags = features[f].id | cases[c].ops;
	/* A flag no payload defines. */
	if (cases[c].invalid)
		feat->data[0] = 0x80;
	*want = zpci_have_kvm() ? cases[c].want_kvm : cases[c].want_nokvm;
	snprintf(what, len, "feature %u %s", features[f].id, cases[c].name);
	return ioctl(fd, VFIO_DEVICE_FEATURE, feat) ? errno : 0;
}

int zpci_get_info(int fd, void *buf, size_t size)
{
	struct vfio_device_info *info = buf;
	uint32_t off;
	int hops = 0;

	if (size < sizeof(*info))
		return ENOSPC;
	memset(info, 0, sizeof(*info));
	info->argsz = size;
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, info))
		return errno;
	if (info->argsz > size)
		return ENOSPC;
	if (!(info->flags & VFIO_DEVICE_FLAGS_CAPS))
		return ENOENT;
	for (off = info->cap_offset; off && off + sizeof(struct vfio_info_cap_header) <= size &&
	     hops < 64; hops++) {
		const struct vfio_info_cap_header *hdr = (const void *)((const char *)buf + off);

		if (hdr->id == VFIO_DEVICE_INFO_CAP_ZPCI_BASE)
			return 0;
		off = hdr->next;
	}
	return ENOENT;
}

_Static_assert(ARRAY_LEN(cases) * ARRAY_LEN(features) == ZPCI_FEATURE_CALLS,
	       "ZPCI_FEATURE_CALLS counts every case of every feature");
