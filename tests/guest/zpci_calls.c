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
	{ VFIO_DEVICE_FEATURE_ZPCI_IOAT, sizeof(struct vfio_device_zpci_ioat) },
};

#define FULL	UINT32_MAX	/* the payload is the feature's struct */
#define LONGER	(UINT32_MAX - 1)	/* the struct and one more word */

enum { VALID, BAD_FLAG, BAD_TAIL };

/*
 * Results with the KVM part and without it (no feature: ENOTTY). This
 * process has no KVM, so with the KVM part whatever passes the input
 * checks, PROBE included, finds no association: ENXIO.
 */
static const struct {
	const char *name;
	uint32_t ops;
	uint32_t payload;
	int invalid;
	int want_kvm;
	int want_nokvm;
} cases[] = {
	{ "probe", VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
		   VFIO_DEVICE_FEATURE_SET, 0, VALID, ENXIO, ENOTTY },
	{ "get", VFIO_DEVICE_FEATURE_GET, FULL, VALID, ENXIO, ENOTTY },
	{ "get-longer", VFIO_DEVICE_FEATURE_GET, LONGER, VALID, ENXIO, ENOTTY },
	{ "set", VFIO_DEVICE_FEATURE_SET, FULL, VALID, ENXIO, ENOTTY },
	{ "set-invalid", VFIO_DEVICE_FEATURE_SET, FULL, BAD_FLAG, EINVAL, ENOTTY },
	{ "set-tail", VFIO_DEVICE_FEATURE_SET, LONGER, BAD_TAIL, E2BIG, ENOTTY },
	{ "get-short", VFIO_DEVICE_FEATURE_GET, 4, VALID, EINVAL, ENOTTY },
	{ "unknown-flag", VFIO_DEVICE_FEATURE_GET | (1u << 20), FULL, VALID, EINVAL, EINVAL },
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
	uint32_t payload = cases[c].payload;

	if (payload == FULL)
		payload = features[f].size;
	else if (payload == LONGER)
		payload = features[f].size + sizeof(uint64_t);
	feat->argsz = sizeof(*feat) + payload;
	feat->flags = features[f].id | cases[c].ops;
	/* A flag no payload defines (flags come first, big-endian). */
	if (cases[c].invalid == BAD_FLAG)
		feat->data[0] = 0x80;
	/* A set byte beyond the struct. */
	if (cases[c].invalid == BAD_TAIL)
		feat->data[payload - 1] = 1;
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
