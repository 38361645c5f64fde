// SPDX-License-Identifier: GPL-2.0
/*
 * zpci_info BDF: print what userspace sees of a zPCI function through
 * vfio-pci: VFIO_DEVICE_GET_INFO flags and every zPCI capability decoded,
 * then a one-line verdict. Exit 0 when the function could be queried.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vfio_zdev.h>

#include "vfio_dev.h"

static const char *const flag_names[] = {
	"RESET", "PCI", "PLATFORM", "AMBA", "CCW", "AP", "FSL_MC", "CAPS", "CDX",
};

static void print_flags(unsigned int flags)
{
	unsigned int bit;

	printf("  flags 0x%x (", flags);
	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		if (bit < sizeof(flag_names) / sizeof(flag_names[0]))
			printf("%s%s", flag_names[bit], flags >> (bit + 1) ? " " : "");
		else
			printf("bit%u%s", bit, flags >> (bit + 1) ? " " : "");
	}
	printf(")\n");
}

static void print_bytes(const __u8 *p, __u32 size)
{
	__u32 i;

	for (i = 0; i < size; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

/* Print one capability; return its name, or NULL if it is not a zPCI one. */
static const char *print_cap(const struct vfio_info_cap_header *hdr)
{
	const struct vfio_device_info_cap_zpci_base *base = (const void *)hdr;
	const struct vfio_device_info_cap_zpci_group *group = (const void *)hdr;
	const struct vfio_device_info_cap_zpci_util *util = (const void *)hdr;
	const struct vfio_device_info_cap_zpci_pfip *pfip = (const void *)hdr;

	switch (hdr->id) {
	case VFIO_DEVICE_INFO_CAP_ZPCI_BASE:
		printf("  cap base v%u: start_dma 0x%llx end_dma 0x%llx pchid 0x%x vfn %u fmb_length %u pft 0x%x gid %u",
		       hdr->version, (unsigned long long)base->start_dma,
		       (unsigned long long)base->end_dma, base->pchid, base->vfn,
		       base->fmb_length, base->pft, base->gid);
		if (hdr->version >= 2)
			printf(" fh 0x%x", base->fh);
		printf("\n");
		return "base";
	case VFIO_DEVICE_INFO_CAP_ZPCI_GROUP:
		printf("  cap group v%u: dasm 0x%llx msi_addr 0x%llx flags 0x%llx%s mui %u noi %u maxstbl %u version %u",
		       hdr->version, (unsigned long long)group->dasm,
		       (unsigned long long)group->msi_addr,
		       (unsigned long long)group->flags,
		       group->flags & VFIO_DEVICE_INFO_ZPCI_FLAG_REFRESH ? " (REFRESH)" : "",
		       group->mui, group->noi, group->maxstbl, group->version);
		if (hdr->version >= 2)
			printf(" imaxstbl %u", group->imaxstbl);
		printf("\n");
		return "group";
	case VFIO_DEVICE_INFO_CAP_ZPCI_UTIL:
		printf("  cap util v%u: size %u:", hdr->version, util->size);
		print_bytes(util->util_str, util->size);
		return "util";
	case VFIO_DEVICE_INFO_CAP_ZPCI_PFIP:
		printf("  cap pfip v%u: size %u:", hdr->version, pfip->size);
		print_bytes(pfip->pfip, pfip->size);
		return "pfip";
	}
	printf("  cap id %u v%u (not zPCI)\n", hdr->id, hdr->version);
	return NULL;
}

int main(int argc, char **argv)
{
	struct vfio_device_info *info;
	struct vfio_dev dev;
	const char *what;
	char verdict[256] = "";
	unsigned int off, hops = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s BDF\n", argv[0]);
		return 2;
	}
	if (vfio_dev_open(&dev, argv[1], &what)) {
		printf("  error: %s: %s: %s\n", argv[1], what, strerror(errno));
		return 1;
	}
	info = vfio_dev_get_info(dev.device);
	if (!info) {
		printf("  error: %s: VFIO_DEVICE_GET_INFO: %s\n", argv[1], strerror(errno));
		vfio_dev_close(&dev);
		return 1;
	}
	printf("%s: vfio-pci, iommu group %d, argsz %u, %u regions, %u irqs\n",
	       argv[1], dev.group_id, info->argsz, info->num_regions, info->num_irqs);
	print_flags(info->flags);

	off = info->flags & VFIO_DEVICE_FLAGS_CAPS ? info->cap_offset : 0;
	while (off) {
		const struct vfio_info_cap_header *hdr = (const void *)((char *)info + off);
		const char *name;

		if (off + sizeof(*hdr) > info->argsz || ++hops > 64) {
			printf("  error: capability chain is broken at offset %u\n", off);
			free(info);
			vfio_dev_close(&dev);
			return 1;
		}
		name = print_cap(hdr);
		if (name)
			snprintf(verdict + strlen(verdict), sizeof(verdict) - strlen(verdict),
				 "%s%s v%u", *verdict ? ", " : "", name, hdr->version);
		off = hdr->next;
	}
	printf("verdict: %s: %s%s\n", argv[1],
	       *verdict ? "zPCI capabilities: " : "no zPCI capabilities",
	       verdict);
	free(info);
	vfio_dev_close(&dev);
	return 0;
}
