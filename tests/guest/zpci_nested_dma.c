// SPDX-License-Identifier: GPL-2.0
/*
 * zpci_nested_dma BDF: play the VMM of a guest that owns its zPCI I/O
 * translation tables, through iommufd nesting, and check with real device
 * DMA that the function sees exactly what the guest's tables say.
 *
 * A buffer of this process is the guest's RAM, mapped in an IOAS at guest
 * physical addresses inside the function's DMA window. A nest parent HWPT
 * holds those mappings; a nested HWPT of type IOMMU_HWPT_DATA_S390_ZPCI is
 * allocated on it with the guest's DMA window and IOTA, whose region,
 * segment and page tables live in that RAM. The function, bound through
 * the vfio cdev, is attached to the nested HWPT, and each change of the
 * guest's tables is followed by IOMMU_HWPT_INVALIDATE, as a guest's RPCIT
 * would be.
 *
 * The function must be a virtio-rng device that translates its DMA
 * (QEMU: iommu_platform=on,disable-legacy=on): this program drives its
 * virtqueue from userspace through vfio-pci, with rings and buffers at
 * guest I/O addresses. QEMU translates the device's DMA through the table
 * that the kernel's s390 IOMMU driver registered for the function, the
 * shadow of the guest's tables; a wrong shadow shows as DMA that lands in
 * the wrong page, or lands where it must not.
 *
 * Output is TAP. Without nesting support in the kernel every test is
 * skipped, unless ZPCI_NESTED=y says the kernel must have it.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>
#include <linux/vfio_zdev.h>

#include "vfio_dev.h"

#define PAGE		4096UL
#define RAM_SIZE	(1UL << 20)	/* the guest's RAM, at the window's start */
#define SIDE_SIZE	(64UL << 10)	/* a second IOAS mapping, unmapped by a test */

/* Offsets in the guest's RAM. */
#define RT_OFF		0x00000UL	/* region-third table, 16K */
#define ST_OFF		0x04000UL	/* segment table, 16K */
#define PT_OFF		0x08000UL	/* page table, 2K */
#define PT2_OFF		0x09000UL	/* a page table whose entries all map one page */
#define DESC_OFF	0x10000UL
#define AVAIL_OFF	0x11000UL
#define USED_OFF	0x12000UL
#define DATA_A_OFF	0x20000UL
#define DATA_B_OFF	0x21000UL
#define DATA_P_OFF	0x22000UL	/* mapped read-only (protected) */
#define DATA_C_OFF	0x23000UL	/* the control DMA's page */
#define FILL		0xa5

/* Pages of the guest's I/O address space, from its base (see iova()). */
enum { IO_DESC, IO_AVAIL, IO_USED, IO_DATA, IO_PROT, IO_NONE, IO_SIDE, IO_CTRL };

/* The zPCI table format (arch/s390/include/asm/pci_dma.h). */
#define IOTA_RTTO		(0x800UL | (1UL << 2))	/* enabled, region-third */
#define RTE_VALID_RTX		(0x4UL | 0x3UL)		/* type RTX, full length */
#define STE_VALID_SX		0x0UL
#define TABLE_INVALID		0x20UL
#define TABLE_PROTECTED		0x200UL
#define PTE_INVALID		0x400UL
#define RTX(a)			(((a) >> 31) & 0x7ff)
#define SX(a)			(((a) >> 20) & 0x7ff)
#define PX(a)			(((a) >> 12) & 0xff)

/* virtio 1.x over PCI (the virtio specification, 4.1). */
#define VIRTIO_VNDR_CAP		0x09
#define VIRTIO_CAP_COMMON	1
#define VIRTIO_CAP_NOTIFY	2
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define STATUS_ACK		1
#define STATUS_DRIVER		2
#define STATUS_DRIVER_OK	4
#define STATUS_FEATURES_OK	8
#define QUEUE_SIZE		8
#define DESC_F_WRITE		2

struct bar_loc {
	int bar;
	uint32_t off;
};

struct nested {
	const char *bdf;
	const char *other;	/* another function, for the type1 bench */
	int iommufd, dev;
	uint32_t dev_id, ioas, parent, hwpt;
	uint64_t start_dma, end_dma;
	uint8_t *ram, *side;
	uint64_t gpa;		/* guest physical address of ram */
	uint64_t io_base;	/* the guest's I/O addresses used here */
	uint64_t bar_off[6], cfg_off;
	struct bar_loc common, notify;
	uint32_t notify_mult;
	uint16_t avail_idx;
	unsigned int mmio_errors;
};

static int test_nr;
static int failed;

static void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++test_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		failed = 1;
}

static uint64_t iova(int page)
{
	return page * PAGE;
}

static uint64_t *ram64(struct nested *n, uint64_t off)
{
	return (uint64_t *)(n->ram + off);
}

/* ---- vfio-pci regions ---- */

static int region_rw(struct nested *n, int write, uint64_t off, void *buf, size_t len)
{
	ssize_t r = write ? pwrite(n->dev, buf, len, off) : pread(n->dev, buf, len, off);

	return r == (ssize_t)len ? 0 : -1;
}

static uint32_t cfg_read(struct nested *n, uint32_t where, size_t len)
{
	uint8_t b[4] = { 0 };

	if (region_rw(n, 0, n->cfg_off + where, b, len))
		return 0;
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static int region_offsets(struct nested *n)
{
	struct vfio_region_info r = { .argsz = sizeof(r), .index = VFIO_PCI_CONFIG_REGION_INDEX };

	if (ioctl(n->dev, VFIO_DEVICE_GET_REGION_INFO, &r))
		return -1;
	n->cfg_off = r.offset;
	for (int i = 0; i < 6; i++) {
		r.index = VFIO_PCI_BAR0_REGION_INDEX + i;
		if (ioctl(n->dev, VFIO_DEVICE_GET_REGION_INFO, &r))
			return -1;
		n->bar_off[i] = r.offset;
	}
	return 0;
}

/* Set bits of the PCI command register, through the config region. */
static int set_command(struct nested *n, uint8_t bits)
{
	uint8_t cmd[2];

	if (region_rw(n, 0, n->cfg_off + 4, cmd, 2))
		return -1;
	cmd[0] |= bits;
	return region_rw(n, 1, n->cfg_off + 4, cmd, 2);
}

static void virtio_reset(struct nested *n);

/*
 * Memory space on, the device reset, then bus master on: a device that
 * still holds queues from before (a reset of the zPCI function does not
 * reset QEMU's virtio device) must not DMA through them.
 */
static int enable_bus_master(struct nested *n)
{
	if (set_command(n, 0x02))
		return -1;
	virtio_reset(n);
	return set_command(n, 0x06);
}

/* Little-endian MMIO on a BAR, in the access size of the field. */
static void bar_write(struct nested *n, struct bar_loc l, uint32_t off, uint64_t val, size_t len)
{
	uint64_t le = htole64(val);

	if (pwrite(n->dev, &le, len, n->bar_off[l.bar] + l.off + off) != (ssize_t)len)
		n->mmio_errors++;
}

static uint64_t bar_read(struct nested *n, struct bar_loc l, uint32_t off, size_t len)
{
	uint64_t le = 0;

	if (pread(n->dev, &le, len, n->bar_off[l.bar] + l.off + off) != (ssize_t)len) {
		n->mmio_errors++;
		return ~0ULL;
	}
	return le64toh(le);
}

/* Find the virtio common and notify configuration structures. */
static int virtio_find_caps(struct nested *n)
{
	uint32_t pos = cfg_read(n, 0x34, 1);
	int found = 0;

	for (int hops = 0; pos && hops < 48; hops++) {
		uint32_t vndr = cfg_read(n, pos, 1), type = cfg_read(n, pos + 3, 1);

		if (vndr == VIRTIO_VNDR_CAP && (type == VIRTIO_CAP_COMMON || type == VIRTIO_CAP_NOTIFY)) {
			struct bar_loc l = { cfg_read(n, pos + 4, 1), cfg_read(n, pos + 8, 4) };

			if (l.bar > 5)
				return -1;
			if (type == VIRTIO_CAP_COMMON) {
				n->common = l;
			} else {
				n->notify = l;
				n->notify_mult = cfg_read(n, pos + 16, 4);
			}
			found |= 1 << type;
		}
		pos = cfg_read(n, pos + 1, 1);
	}
	return found == ((1 << VIRTIO_CAP_COMMON) | (1 << VIRTIO_CAP_NOTIFY)) ? 0 : -1;
}

/* Common configuration fields: offsets, and sizes in the calls. */
#define CC_DFSELECT	0x00
#define CC_DF		0x04
#define CC_GFSELECT	0x08
#define CC_GF		0x0c
#define CC_STATUS	0x14
#define CC_Q_SELECT	0x16
#define CC_Q_SIZE	0x18
#define CC_Q_ENABLE	0x1c
#define CC_Q_NOFF	0x1e
#define CC_Q_DESC	0x20
#define CC_Q_DRIVER	0x28
#define CC_Q_DEVICE	0x30

static void virtio_reset(struct nested *n)
{
	bar_write(n, n->common, CC_STATUS, 0, 1);
	for (int i = 0; i < 1000 && bar_read(n, n->common, CC_STATUS, 1); i++)
		usleep(1000);
}

/* A 64-bit field of the common configuration, as two 32-bit halves. */
static void bar_write64(struct nested *n, uint32_t off, uint64_t val)
{
	bar_write(n, n->common, off, val & 0xffffffff, 4);
	bar_write(n, n->common, off + 4, val >> 32, 4);
}

/*
 * Reset the device and bring up queue 0 with its rings at the guest's I/O
 * addresses. A device that met a DMA error stays broken until reset, so each
 * DMA test starts here.
 */
static int virtio_start(struct nested *n)
{
	uint64_t f;

	virtio_reset(n);
	bar_write(n, n->common, CC_STATUS, STATUS_ACK | STATUS_DRIVER, 1);
	bar_write(n, n->common, CC_DFSELECT, 1, 4);
	f = bar_read(n, n->common, CC_DF, 4);
	if (!(f & (1 << (VIRTIO_F_VERSION_1 - 32))) || !(f & (1 << (VIRTIO_F_ACCESS_PLATFORM - 32))))
		return -1;
	bar_write(n, n->common, CC_GFSELECT, 0, 4);
	bar_write(n, n->common, CC_GF, 0, 4);
	bar_write(n, n->common, CC_GFSELECT, 1, 4);
	bar_write(n, n->common, CC_GF, 1 << (VIRTIO_F_VERSION_1 - 32) |
		  1 << (VIRTIO_F_ACCESS_PLATFORM - 32), 4);
	bar_write(n, n->common, CC_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK, 1);
	if (!(bar_read(n, n->common, CC_STATUS, 1) & STATUS_FEATURES_OK))
		return -1;
	bar_write(n, n->common, CC_Q_SELECT, 0, 2);
	if (bar_read(n, n->common, CC_Q_SIZE, 2) < QUEUE_SIZE)
		return -1;
	bar_write(n, n->common, CC_Q_SIZE, QUEUE_SIZE, 2);
	memset(n->ram + DESC_OFF, 0, 3 * PAGE);
	n->avail_idx = 0;
	bar_write64(n, CC_Q_DESC, n->io_base + iova(IO_DESC));
	bar_write64(n, CC_Q_DRIVER, n->io_base + iova(IO_AVAIL));
	bar_write64(n, CC_Q_DEVICE, n->io_base + iova(IO_USED));
	bar_write(n, n->common, CC_Q_ENABLE, 1, 2);
	bar_write(n, n->common, CC_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK |
		  STATUS_DRIVER_OK, 1);
	return 0;
}

/*
 * Post one device-writable buffer of len bytes at the guest I/O address
 * addr and notify. Returns 1 when the device completed it (used ring), 0
 * when it did not within a second.
 */
static int virtio_fill(struct nested *n, uint64_t addr, uint32_t len)
{
	uint8_t *desc = n->ram + DESC_OFF;
	uint16_t *avail = (uint16_t *)(n->ram + AVAIL_OFF);
	volatile uint16_t *used = (uint16_t *)(n->ram + USED_OFF);
	uint16_t want = n->avail_idx + 1;
	uint64_t le_addr = htole64(addr);
	uint32_t le_len = htole32(len);
	uint16_t le_flags = htole16(DESC_F_WRITE);
	uint16_t off;

	memcpy(desc, &le_addr, 8);
	memcpy(desc + 8, &le_len, 4);
	memcpy(desc + 12, &le_flags, 2);
	memset(desc + 14, 0, 2);
	avail[2 + n->avail_idx % QUEUE_SIZE] = htole16(0);
	__sync_synchronize();
	avail[1] = htole16(want);
	n->avail_idx = want;
	__sync_synchronize();
	off = bar_read(n, n->common, CC_Q_NOFF, 2);
	bar_write(n, n->notify, off * n->notify_mult, 0, 2);
	for (int i = 0; i < 1000; i++) {
		__sync_synchronize();
		if (le16toh(used[1]) == want)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* ---- the guest's I/O translation tables ---- */

static void guest_tables_init(struct nested *n)
{
	uint64_t a = n->io_base;

	for (unsigned long i = 0; i < 2048; i++) {
		ram64(n, RT_OFF)[i] = TABLE_INVALID;
		ram64(n, ST_OFF)[i] = TABLE_INVALID;
	}
	for (unsigned long i = 0; i < 256; i++)
		ram64(n, PT_OFF)[i] = PTE_INVALID;
	ram64(n, RT_OFF)[RTX(a)] = (n->gpa + ST_OFF) | RTE_VALID_RTX;
	ram64(n, ST_OFF)[SX(a)] = (n->gpa + PT_OFF) | STE_VALID_SX;
}

/* The guest maps its I/O page io to guest physical address gpa (0: unmap). */
static void guest_map(struct nested *n, int io, uint64_t gpa, int prot)
{
	uint64_t *pte = &ram64(n, PT_OFF)[PX(n->io_base + iova(io))];

	*pte = gpa ? gpa | (prot ? TABLE_PROTECTED : 0) : PTE_INVALID;
}

/* IOMMU_HWPT_INVALIDATE of HWPT id, for size bytes from addr: 0 or errno */
static int hwpt_refresh(struct nested *n, uint32_t id, uint64_t addr, uint64_t size,
			uint32_t *done)
{
	struct iommu_hwpt_s390_zpci_invalidate inv = { .iova = addr, .size = size };
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)&inv,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_S390_ZPCI,
		.entry_len = sizeof(inv),
		.entry_num = 1,
	};
	int rc = ioctl(n->iommufd, IOMMU_HWPT_INVALIDATE, &cmd) ? errno : 0;

	if (done)
		*done = cmd.entry_num;
	return rc;
}

/* The guest's RPCIT: the refresh of its nested HWPT */
static int guest_refresh(struct nested *n, uint64_t addr, uint64_t size, uint32_t *done)
{
	return hwpt_refresh(n, n->hwpt, addr, size, done);
}

/* ---- setup ---- */

static int read_window(struct nested *n)
{
	struct vfio_device_info *info = vfio_dev_get_info(n->dev);
	uint32_t off;

	if (!info)
		return -1;
	off = info->flags & VFIO_DEVICE_FLAGS_CAPS ? info->cap_offset : 0;
	for (int hops = 0; off && off + sizeof(struct vfio_info_cap_header) <= info->argsz &&
	     hops < 16; hops++) {
		struct vfio_info_cap_header *h = (void *)((char *)info + off);

		if (h->id == VFIO_DEVICE_INFO_CAP_ZPCI_BASE &&
		    off + sizeof(struct vfio_device_info_cap_zpci_base) <= info->argsz) {
			struct vfio_device_info_cap_zpci_base *b = (void *)h;

			n->start_dma = b->start_dma;
			n->end_dma = b->end_dma;
			free(info);
			return 0;
		}
		off = h->next;
	}
	free(info);
	errno = ENOENT;
	return -1;
}

static int ioas_map(struct nested *n, void *va, uint64_t len, uint64_t at)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = n->ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = at,
	};

	return ioctl(n->iommufd, IOMMU_IOAS_MAP, &map);
}

static int ioas_unmap(struct nested *n, uint64_t at, uint64_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap), .ioas_id = n->ioas, .iova = at, .length = len,
	};

	return ioctl(n->iommufd, IOMMU_IOAS_UNMAP, &unmap);
}

/* What the guest registers: its anchor, and the function's whole window */
static struct iommu_hwpt_s390_zpci guest_reg(struct nested *n)
{
	return (struct iommu_hwpt_s390_zpci) {
		.iota = (n->gpa + RT_OFF) | IOTA_RTTO,
		.start = n->start_dma,
		.end = n->end_dma,
	};
}

/* IOMMU_HWPT_ALLOC of a nested HWPT on the parent; returns 0 or errno. */
static int nested_alloc(struct nested *n, struct iommu_hwpt_s390_zpci data, uint32_t *id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = n->dev_id,
		.pt_id = n->parent,
		.data_type = IOMMU_HWPT_DATA_S390_ZPCI,
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)&data,
	};

	if (ioctl(n->iommufd, IOMMU_HWPT_ALLOC, &cmd))
		return errno;
	*id = cmd.out_hwpt_id;
	return 0;
}

static void destroy(struct nested *n, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	ioctl(n->iommufd, IOMMU_DESTROY, &d);
}

static long vm_pinned_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* The vfio cdev of bdf: /dev/vfio/devices/vfioN. */
static int open_cdev(const char *bdf)
{
	char path[300];
	struct dirent *d;
	DIR *dir;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (!strncmp(d->d_name, "vfio", 4)) {
			snprintf(path, sizeof(path), "/dev/vfio/devices/%s", d->d_name);
			fd = open(path, O_RDWR);
			break;
		}
	closedir(dir);
	return fd;
}

/* Open the function's cdev and bind it to the iommufd: NULL, or what failed. */
static const char *open_bound(struct nested *n)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = n->iommufd };

	n->dev = open_cdev(n->bdf);
	if (n->dev < 0)
		return "open the vfio cdev";
	if (ioctl(n->dev, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return "VFIO_DEVICE_BIND_IOMMUFD";
	n->dev_id = bind.out_devid;
	return NULL;
}

/*
 * Bind the function to a new iommufd, map the guest's RAM in an IOAS and
 * allocate the nest parent on it. NULL, or what failed.
 */
static const char *setup(struct nested *n)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_hwpt_alloc parent = {
		.size = sizeof(parent), .flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	};
	const char *what;

	n->iommufd = open("/dev/iommu", O_RDWR);
	if (n->iommufd < 0)
		return "open /dev/iommu";
	what = open_bound(n);
	if (what)
		return what;
	if (read_window(n))
		return "the zPCI base capability";
	if (region_offsets(n) || virtio_find_caps(n))
		return "a virtio 1.x device (iommu_platform=on,disable-legacy=on)";
	if (ioctl(n->iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return "IOMMU_IOAS_ALLOC";
	n->ioas = ioas.out_ioas_id;
	n->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	n->side = mmap(NULL, SIDE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (n->ram == MAP_FAILED || n->side == MAP_FAILED)
		return "mmap";
	memset(n->ram, FILL, RAM_SIZE);
	memset(n->side, FILL, SIDE_SIZE);
	/*
	 * Guest physical addresses and the guest's I/O addresses both in the
	 * window (iommufd keeps the IOAS out of the function's reserved
	 * regions), at different places, so that a shadow that used one for
	 * the other could not pass.
	 */
	n->gpa = n->start_dma;
	n->io_base = n->start_dma + ((n->end_dma - n->start_dma + 1) / 2);
	if (ioas_map(n, n->ram, RAM_SIZE, n->gpa) ||
	    ioas_map(n, n->side, SIDE_SIZE, n->gpa + RAM_SIZE))
		return "IOMMU_IOAS_MAP";
	parent.dev_id = n->dev_id;
	parent.pt_id = n->ioas;
	if (ioctl(n->iommufd, IOMMU_HWPT_ALLOC, &parent))
		return "IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT";
	n->parent = parent.out_hwpt_id;
	guest_tables_init(n);
	return NULL;
}

static int attach(struct nested *n, uint32_t id)
{
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = id };

	return ioctl(n->dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) ? errno : 0;
}

/* Bytes of [from, from + len) of buf that are no longer FILL. */
static size_t changed(const uint8_t *buf, size_t from, size_t len)
{
	size_t c = 0;

	for (size_t i = from; i < from + len; i++)
		c += buf[i] != FILL;
	return c;
}

/* The guest's RAM outside its tables and rings, and the side mapping. */
static size_t changed_data(struct nested *n)
{
	return changed(n->ram, DATA_A_OFF, RAM_SIZE - DATA_A_OFF) + changed(n->side, 0, SIDE_SIZE);
}

static void reset_data(struct nested *n)
{
	memset(n->ram + DATA_A_OFF, FILL, RAM_SIZE - DATA_A_OFF);
	memset(n->side, FILL, SIDE_SIZE);
}

/*
 * One DMA of 64 bytes to the guest I/O page io. Returns the number of bytes
 * that changed in the guest's RAM and side mapping, or -1 when the device
 * could not be started; *done tells whether the device completed it.
 */
static long dma_to(struct nested *n, int io, int *done)
{
	reset_data(n);
	n->mmio_errors = 0;
	*done = 0;
	if (virtio_start(n) || n->mmio_errors)
		return -1;
	*done = virtio_fill(n, n->io_base + iova(io), 64);
	return changed_data(n);
}

/*
 * Whether one DMA of 64 random bytes landed in buf at off, and nowhere
 * else: every changed byte of the guest's RAM and side mapping is in the
 * target (a random byte may equal FILL), and most of the target changed.
 */
static int landed(struct nested *n, long total, const uint8_t *buf, size_t off)
{
	size_t in = changed(buf, off, 64);

	return total == (long)in && in >= 48;
}

/*
 * A DMA that must not reach memory. The function faults on it, and a
 * zPCI function that faulted stays in the error state: its BARs read as
 * all ones (vfio-pci answers config space reads from its own copy). That shows the device did try, so "nothing written"
 * is not for want of a working device. Without a driver that recovers it
 * (vfio-pci has none) the function is then lost to this boot, so each run
 * ends with at most one such DMA (ZPCI_NESTED_CASE picks it).
 */
static void expect_blocked(struct nested *n, int io, const char *what)
{
	uint64_t status = 0;
	long c;
	int ok;

	c = dma_to(n, io, &ok);
	for (int i = 0; i < 100; i++) {
		status = bar_read(n, n->common, CC_STATUS, 1);
		if (status == 0xff || status == ~0ULL)
			break;
		usleep(10000);
	}
	tap(c == 0 && !ok && (status == 0xff || status == ~0ULL),
	    "%s writes nothing (%ld bytes, %s; the function faulted: device status 0x%llx)",
	    what, c, ok ? "completed" : "not completed", (unsigned long long)status);
}

/* IOMMU_HWPT_ALLOC with the guest's registration changed by one field */
#define alloc_with(field, value, id) ({				\
	struct iommu_hwpt_s390_zpci d = guest_reg(n);		\
								\
	d.field = (value);					\
	nested_alloc(n, d, id);					\
})

static void test_bad_input(struct nested *n)
{
	struct iommu_hwpt_s390_zpci reg = guest_reg(n);
	uint64_t good = reg.iota;
	uint32_t id, done;
	int rc;

	rc = alloc_with(flags, 1, &id);
	tap(rc == EOPNOTSUPP, "alloc with an unknown flag: %s", strerror(rc));
	rc = alloc_with(__reserved, 1, &id);
	tap(rc == EOPNOTSUPP, "alloc with a reserved field set: %s", strerror(rc));
	rc = alloc_with(iota, good & ~0x800UL, &id);
	tap(rc == EINVAL, "alloc with translation off in the IOTA: %s", strerror(rc));
	rc = alloc_with(iota, good | 0x1000, &id);
	tap(rc == EINVAL, "alloc with a table origin that is not 16K aligned: %s", strerror(rc));
	rc = alloc_with(start, n->start_dma - PAGE, &id);
	tap(rc == EINVAL, "alloc with a window that starts before the function's: %s",
	    strerror(rc));
	rc = alloc_with(end, n->end_dma + PAGE, &id);
	tap(rc == EINVAL, "alloc with a window that ends after the function's: %s", strerror(rc));
	rc = alloc_with(end, n->end_dma - 8, &id);
	tap(rc == EINVAL, "alloc with a window that ends inside a page: %s", strerror(rc));
	reg = guest_reg(n);
	reg.start = n->io_base;
	reg.end = n->io_base - 1;
	rc = nested_alloc(n, reg, &id);
	tap(rc == EINVAL, "alloc with a window that ends before it starts: %s", strerror(rc));
	rc = guest_refresh(n, n->io_base + 1, PAGE, &done);
	tap(rc == EINVAL && done == 0, "refresh of an unaligned range: %s, %u handled",
	    strerror(rc), done);
	rc = guest_refresh(n, n->io_base, 0, &done);
	tap(rc == EINVAL && done == 0, "refresh of an empty range: %s, %u handled",
	    strerror(rc), done);
	rc = guest_refresh(n, n->end_dma + 1, PAGE, &done);
	tap(rc == EINVAL && done == 0, "refresh beyond the DMA window: %s, %u handled",
	    strerror(rc), done);
	rc = guest_refresh(n, ~0xfffULL, 2 * PAGE, &done);
	tap(rc == EINVAL && done == 0, "refresh of a range that wraps: %s, %u handled",
	    strerror(rc), done);
}

/*
 * A guest window smaller than the function's: the function can be attached
 * to it, and refreshes outside it are refused. Then back to the HWPT of the
 * whole window.
 */
static void test_guest_window(struct nested *n)
{
	struct iommu_hwpt_s390_zpci reg = guest_reg(n);
	uint32_t id, whole = n->hwpt, done = 0;
	int rc;

	reg.start = n->io_base;
	reg.end = n->io_base + (16UL << 20) - 1;
	rc = nested_alloc(n, reg, &id);
	tap(!rc, "alloc for a guest window of 16M within the function's: %s", strerror(rc));
	if (rc)
		return;
	rc = attach(n, id);
	tap(!rc, "attach the function to it: %s", strerror(rc));
	n->hwpt = id;
	rc = guest_refresh(n, n->start_dma, PAGE, &done);
	tap(rc == EINVAL && done == 0, "refresh outside the guest's window: %s, %u handled",
	    strerror(rc), done);
	rc = guest_refresh(n, n->io_base, PAGE, &done);
	tap(!rc && done == 1, "refresh inside it: %s", strerror(rc));
	n->hwpt = whole;
	rc = attach(n, whole);
	tap(!rc, "attach back to the HWPT of the whole window: %s", strerror(rc));
	destroy(n, id);
}

/* The guest's tables for the DMA tests, refreshed as a guest would. */
static void map_all(struct nested *n)
{
	uint32_t done;
	int rc;

	guest_tables_init(n);
	guest_map(n, IO_DESC, n->gpa + DESC_OFF, 1);
	guest_map(n, IO_AVAIL, n->gpa + AVAIL_OFF, 1);
	guest_map(n, IO_USED, n->gpa + USED_OFF, 0);
	guest_map(n, IO_DATA, n->gpa + DATA_A_OFF, 0);
	guest_map(n, IO_PROT, n->gpa + DATA_P_OFF, 1);
	guest_map(n, IO_SIDE, n->gpa + RAM_SIZE, 0);
	guest_map(n, IO_CTRL, n->gpa + DATA_C_OFF, 0);
	rc = guest_refresh(n, n->io_base, 8 * PAGE, &done);
	tap(!rc && done == 1, "refresh of the guest's mappings: %s, %u handled", strerror(rc), done);
}

static void test_dma(struct nested *n)
{
	long c;
	int ok;

	map_all(n);
	c = dma_to(n, IO_DATA, &ok);
	tap(ok && landed(n, c, n->ram, DATA_A_OFF),
	    "DMA to a mapped I/O page lands in the guest page the tables name (%ld bytes changed)", c);

	guest_map(n, IO_DATA, n->gpa + DATA_B_OFF, 0);
	c = dma_to(n, IO_DATA, &ok);
	tap(ok && landed(n, c, n->ram, DATA_A_OFF),
	    "before the refresh the function still uses the old translation (%ld bytes)", c);
	guest_refresh(n, n->io_base + iova(IO_DATA), PAGE, NULL);
	c = dma_to(n, IO_DATA, &ok);
	tap(ok && landed(n, c, n->ram, DATA_B_OFF),
	    "after the refresh DMA lands in the new page (%ld bytes)", c);

	c = dma_to(n, IO_SIDE, &ok);
	tap(ok && landed(n, c, n->side, 0),
	    "DMA to guest RAM of the second IOAS mapping lands there (%ld bytes)", c);

	/*
	 * Attached away and back, with no refresh by the guest: the
	 * translations it made before must still work (under QEMU, as under
	 * z/VM, a function sees only what was refreshed since it registered
	 * the table).
	 */
	ok = !attach(n, n->parent) && !attach(n, n->hwpt);
	c = ok ? dma_to(n, IO_SIDE, &ok) : -1;
	tap(ok && landed(n, c, n->side, 0),
	    "after an attach to the parent and back, DMA lands as before (%ld bytes)", c);
}

/* The guest's tables map every page of the DMA window to guest page off */
static void map_window_to(struct nested *n, uint64_t off)
{
	for (unsigned long i = 0; i < 256; i++)
		ram64(n, PT2_OFF)[i] = n->gpa + off;
	for (uint64_t a = n->start_dma; a < n->end_dma; a += 1UL << 20) {
		if (ram64(n, RT_OFF)[RTX(a)] & TABLE_INVALID)
			ram64(n, RT_OFF)[RTX(a)] = (n->gpa + ST_OFF) | RTE_VALID_RTX;
		ram64(n, ST_OFF)[SX(a)] = (n->gpa + PT2_OFF) | STE_VALID_SX;
	}
}

/* The tables of the DMA tests again, and a DMA through them */
static void tables_again(struct nested *n)
{
	long c;
	int ok;

	map_all(n);
	c = dma_to(n, IO_CTRL, &ok);
	tap(ok && landed(n, c, n->ram, DATA_C_OFF), "then the DMA tests' tables again (%ld bytes)", c);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Every page of the DMA window mapped to one guest page, refreshed at once:
 * no page is pinned for it, and the call returns. Then the tables of the
 * DMA tests again. Returns how long the refresh took, in ms.
 */
static long test_one_page_everywhere(struct nested *n)
{
	uint64_t size = n->end_dma - n->start_dma + 1;
	long before = vm_pinned_kb(), after, ms;
	struct timespec t0;
	uint32_t done;
	int rc;

	/* The device stops: its rings are about to point anywhere */
	virtio_reset(n);
	map_window_to(n, DATA_A_OFF);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = guest_refresh(n, n->start_dma, size, &done);
	ms = ms_since(&t0);
	after = vm_pinned_kb();
	tap(!rc && done == 1 && after == before,
	    "%lu I/O pages mapped to one guest page: %s in %ld ms, VmPin %ld -> %ld kB",
	    (unsigned long)(size / PAGE), strerror(rc), ms, before, after);
	tables_again(n);
	return ms;
}

/*
 * Whether process pid may be in the ioctl system call: /proc says so for a
 * task that sleeps in it, and says "running" for any runnable task, which
 * a long refresh is between its batches. The child runs nothing else but
 * its pipe write before the ioctl, and exit after it.
 */
static int in_ioctl(pid_t pid)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return atoi(buf) == SYS_ioctl || !strncmp(buf, "running", 7);
}

/*
 * The same refresh, every entry changed, in a child that is killed a fifth
 * of the way in: the kernel must notice the fatal signal at its next batch
 * of pages and let the child die, rather than finish the whole window
 * first. full_ms is what the whole refresh took before.
 */
static void test_refresh_killable(struct nested *n, long full_ms)
{
	uint64_t size = n->end_dma - n->start_dma + 1;
	struct timespec t0;
	int go[2], status, inside;
	pid_t pid;
	long ms;
	char x;

	if (full_ms < 150) {
		tap(1, "a killed refresh # SKIP a refresh of the whole window takes %ld ms, too short",
		    full_ms);
		return;
	}
	virtio_reset(n);
	map_window_to(n, DATA_B_OFF);
	if (pipe(go)) {
		tap(0, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(go[0]);
		if (write(go[1], "", 1) != 1)
			_exit(2);
		guest_refresh(n, n->start_dma, size, NULL);
		_exit(0);
	}
	close(go[1]);
	if (pid < 0 || read(go[0], &x, 1) != 1) {
		tap(0, "fork a child for the refresh: %s", strerror(errno));
		close(go[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return;
	}
	close(go[0]);
	usleep(full_ms * 1000 / 5);
	/* Only a kill inside the ioctl tests anything */
	for (int i = 0; i < full_ms && !in_ioctl(pid); i++)
		usleep(1000);
	inside = in_ioctl(pid);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ms = ms_since(&t0);
	if (!inside)
		tap(1, "a killed refresh # SKIP the child was not seen inside the ioctl");
	else
		tap(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && ms < full_ms / 3,
		    "a refresh of the whole window (%ld ms) killed %ld ms in: %s after %ld ms",
		    full_ms, full_ms / 5,
		    WIFSIGNALED(status) ? "killed" : "ended on its own", ms);
	tables_again(n);
}

/*
 * The VMM takes guest RAM away from the IOAS while the guest's tables, and
 * so the shadow, still map it: the shadow entry must be gone before iommufd
 * unpins the page, so the function cannot write to it any more. This test
 * still holds the page (it is its own buffer), so a stale shadow entry
 * would show as a DMA that lands there.
 */
static void case_parent_unmap(struct nested *n)
{
	long before = vm_pinned_kb(), after;

	if (ioas_unmap(n, n->gpa + RAM_SIZE, SIDE_SIZE)) {
		tap(0, "IOMMU_IOAS_UNMAP of the second mapping: %s", strerror(errno));
		return;
	}
	after = vm_pinned_kb();
	tap(before - after == (long)(SIDE_SIZE >> 10),
	    "the unmap of the second IOAS mapping unpinned it (VmPin %ld kB -> %ld kB)",
	    before, after);
	expect_blocked(n, IO_SIDE, "after the unmap, DMA through the guest's stale entry");
}

static void case_guest_unmap(struct nested *n)
{
	guest_map(n, IO_DATA, 0, 0);
	guest_refresh(n, n->io_base + iova(IO_DATA), PAGE, NULL);
	expect_blocked(n, IO_DATA, "DMA to a page the guest unmapped and refreshed");
}

static void case_outside(struct nested *n)
{
	uint32_t done;
	int rc;

	guest_map(n, IO_DATA, n->gpa + RAM_SIZE + SIDE_SIZE + 16 * PAGE, 0);
	rc = guest_refresh(n, n->io_base + iova(IO_DATA), PAGE, &done);
	tap(!rc && done == 1, "refresh of an entry outside the guest's RAM: %s", strerror(rc));
	expect_blocked(n, IO_DATA, "DMA through an entry outside the guest's RAM");
}

static void case_unmapped(struct nested *n)
{
	expect_blocked(n, IO_NONE, "DMA to an I/O page the tables do not map");
}

static void case_protected(struct nested *n)
{
	expect_blocked(n, IO_PROT, "DMA to a protected page");
}

/*
 * A bench of the guest's refresh of its translations (RPCIT) of N pages:
 * through the nested HWPT (IOMMU_HWPT_INVALIDATE) against what QEMU does
 * today for a function in a VFIO type1 container: walk the guest's tables
 * for each page and replace the page's mapping with VFIO_IOMMU_UNMAP_DMA
 * and VFIO_IOMMU_MAP_DMA. The type1 road runs on the other function. Every
 * timed refresh changes every entry it covers. Meant for QEMU's -icount
 * (scripts/bench.sh), where guest time counts instructions.
 */
#define BENCH_PT_OFF	0x40000UL	/* 16 page tables: 4096 I/O pages */
#define BENCH_PAGES	4096
#define BENCH_DATA	16		/* guest pages the I/O pages cycle over */

/* Bench page i: 32M above the tests' I/O pages, in segments of its own */
static uint64_t bench_iova(struct nested *n, unsigned int i)
{
	return n->io_base + (32UL << 20) + i * PAGE;
}

/* The guest's tables of round r: bench page i at guest page (i + r) % 16 */
static void bench_tables(struct nested *n, unsigned int r)
{
	for (unsigned int i = 0; i < BENCH_PAGES; i++) {
		uint64_t a = bench_iova(n, i);
		uint64_t pt = BENCH_PT_OFF + i / 256 * 2048;

		ram64(n, ST_OFF)[SX(a)] = (n->gpa + pt) | STE_VALID_SX;
		ram64(n, pt)[PX(a)] = n->gpa + DATA_A_OFF + (i + r) % BENCH_DATA * PAGE;
	}
}

/* The guest table entry at gpa, as QEMU reads it; invalid outside RAM */
static uint64_t guest_entry(struct nested *n, uint64_t gpa)
{
	if (gpa < n->gpa || gpa - n->gpa > RAM_SIZE - 8)
		return TABLE_INVALID | PTE_INVALID;
	return *ram64(n, gpa - n->gpa);
}

/* QEMU's walk of the guest's tables for I/O address a: a gpa, or 0 */
static uint64_t qemu_walk(struct nested *n, uint64_t a)
{
	uint64_t e = guest_entry(n, n->gpa + RT_OFF + RTX(a) * 8);

	if (e & TABLE_INVALID)
		return 0;
	e = guest_entry(n, (e & ~0x3fffUL) + SX(a) * 8);
	if (e & TABLE_INVALID)
		return 0;
	e = guest_entry(n, (e & ~0x7ffUL) + PX(a) * 8);
	return e & PTE_INVALID ? 0 : e & ~0xfffUL;
}

/* QEMU's refresh of npages bench pages in a type1 container: 0 or errno */
static int type1_refresh(struct nested *n, int container, uint64_t *mapped,
			 unsigned int npages)
{
	for (unsigned int i = 0; i < npages; i++) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap), .iova = bench_iova(n, i), .size = PAGE,
		};
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.iova = bench_iova(n, i), .size = PAGE,
		};
		uint64_t gpa = qemu_walk(n, bench_iova(n, i));

		if (gpa == mapped[i])
			continue;
		if (mapped[i] && ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return errno;
		mapped[i] = 0;
		map.vaddr = (uintptr_t)n->ram + (gpa - n->gpa);
		if (gpa && ioctl(container, VFIO_IOMMU_MAP_DMA, &map))
			return errno;
		mapped[i] = gpa;
	}
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static void case_bench(struct nested *n)
{
	static const unsigned int sizes[] = { 1, 64, BENCH_PAGES };
	static uint64_t mapped[BENCH_PAGES];
	unsigned int round = 0;
	struct vfio_dev t1;
	const char *what;

	if (!n->other || vfio_dev_open(&t1, n->other, &what)) {
		tap(0, "a type1 container for a second function: %s (%s)",
		    n->other ? what : "none", strerror(errno));
		return;
	}
	for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t nested_ns = 0, type1_ns = 0, t;
		uint32_t done = 0;
		int rc = 0, rc1 = 0;

		/* An untimed round first: the mappings exist, as in a guest. */
		for (int timed = 0; timed < 2 && !rc && !rc1; timed++) {
			bench_tables(n, ++round);
			t = now_ns();
			rc = guest_refresh(n, bench_iova(n, 0), sizes[s] * PAGE, &done);
			nested_ns = now_ns() - t;
			t = now_ns();
			rc1 = type1_refresh(n, t1.container, mapped, sizes[s]);
			type1_ns = now_ns() - t;
		}
		printf("# bench: %u pages: nested %llu ns, type1 %llu ns\n", sizes[s],
		       (unsigned long long)nested_ns, (unsigned long long)type1_ns);
		tap(!rc && done == 1 && !rc1,
		    "refresh of %u pages through the nested HWPT (%s) and type1 (%s)",
		    sizes[s], strerror(rc), strerror(rc1));
	}
	vfio_dev_close(&t1);
}

/*
 * The soak's case (scripts/soak.sh, on a kernel with KASAN, lockdep and
 * kmemleak): for ZPCI_NESTED_FUZZ_SECONDS (default 15), three threads at
 * once on the function and its HWPTs:
 *  - tables: random changes of the guest's tables, each followed by
 *    IOMMU_HWPT_INVALIDATE of a random range, valid or not;
 *  - ioas: the second IOAS mapping unmapped and mapped again, so that the
 *    parent's unmaps meet the refreshes;
 *  - hwpt: nested HWPTs allocated with random registrations, the function
 *    attached to them (and to the parent) and back, refreshed, destroyed.
 * Every call must get the answer its documentation gives. The seed
 * (ZPCI_NESTED_SEED, or the time; printed) fixes the calls of each thread,
 * not how the threads interleave. Afterwards the function must still DMA
 * through the first nested HWPT, and VmPin be back where it was. What the
 * device could reach meanwhile is not checked here (KASAN does not see
 * device accesses): the parent-unmap case of scripts/nested.sh does that.
 * The kernel's debug checks judge the rest.
 */
struct fuzz {
	struct nested *n;
	pthread_t thread;
	int started;
	const char *name;
	uint64_t rnd;
	uint64_t end_ns;
	unsigned long calls, wrong;
	const char *first_wrong;	/* the call, and its errno (0: success) */
	int first_err;
};

static uint64_t fuzz_rnd(struct fuzz *f)
{
	f->rnd ^= f->rnd << 13;
	f->rnd ^= f->rnd >> 7;
	f->rnd ^= f->rnd << 17;
	return f->rnd;
}

/* Whether the thread goes on; each makes one round at least */
static int fuzz_more(struct fuzz *f)
{
	return !f->calls || now_ns() < f->end_ns;
}

/* Count a call; note the first whose errno (0: success) is not want */
static void fuzz_check(struct fuzz *f, const char *what, int err, int want)
{
	f->calls++;
	if (err != want && !f->wrong++) {
		f->first_wrong = what;
		f->first_err = err;
	}
}

/*
 * A random page-aligned range of the window, now and then all of it while
 * more than 2s are left; or nonsense when bad is set.
 */
static void fuzz_range(struct fuzz *f, int bad, uint64_t *addr, uint64_t *size)
{
	struct nested *n = f->n;
	uint64_t pages = (n->end_dma - n->start_dma + 1) / PAGE;
	int all = !(fuzz_rnd(f) % 64) && now_ns() + 2000000000ULL < f->end_ns;

	*addr = all ? n->start_dma : n->start_dma + fuzz_rnd(f) % pages * PAGE;
	*size = all ? pages * PAGE : (1 + fuzz_rnd(f) % 256) * PAGE;
	if (*addr + *size - 1 > n->end_dma)
		*size = n->end_dma + 1 - *addr;
	if (!bad)
		return;
	switch (fuzz_rnd(f) % 4) {
	case 0:
		*addr += 8;
		break;
	case 1:
		*size = 0;
		break;
	case 2:
		*addr = n->end_dma + 1;
		break;
	default:
		*size = -PAGE;
		break;
	}
}

/* A random table entry: a valid-looking one, one outside RAM, or noise */
static uint64_t fuzz_entry(struct fuzz *f, uint64_t valid)
{
	struct nested *n = f->n;
	uint64_t r;

	switch (fuzz_rnd(f) % 6) {
	case 0:
		return TABLE_INVALID | PTE_INVALID;
	case 1:
		return fuzz_rnd(f);
	case 2:
		return n->gpa + fuzz_rnd(f) % RAM_SIZE;
	case 3:
		return n->gpa + RAM_SIZE + fuzz_rnd(f) % (4 * SIDE_SIZE);
	default:
		r = fuzz_rnd(f);
		return valid | (r % 4 ? 0 : TABLE_PROTECTED);
	}
}

static void *fuzz_tables(void *arg)
{
	struct fuzz *f = arg;
	struct nested *n = f->n;

	while (fuzz_more(f)) {
		uint64_t a = n->start_dma + fuzz_rnd(f) % (n->end_dma - n->start_dma + 1);
		uint64_t data = n->gpa + DATA_A_OFF + fuzz_rnd(f) % 16 * PAGE;
		uint64_t pt = fuzz_rnd(f) % 2 ? PT_OFF : PT2_OFF;
		int bad = !(fuzz_rnd(f) % 5);
		uint64_t addr, size;

		switch (fuzz_rnd(f) % 4) {
		case 0:
			ram64(n, RT_OFF)[RTX(a)] = fuzz_entry(f, (n->gpa + ST_OFF) | RTE_VALID_RTX);
			break;
		case 1:
			ram64(n, ST_OFF)[SX(a)] = fuzz_entry(f, (n->gpa + pt) | STE_VALID_SX);
			break;
		default:
			ram64(n, pt)[PX(a)] = fuzz_entry(f, data);
			break;
		}
		fuzz_range(f, bad, &addr, &size);
		fuzz_check(f, bad ? "IOMMU_HWPT_INVALIDATE of a bad range" : "IOMMU_HWPT_INVALIDATE",
			   guest_refresh(n, addr, size, NULL), bad ? EINVAL : 0);
	}
	return NULL;
}

static void *fuzz_ioas(void *arg)
{
	struct fuzz *f = arg;
	struct nested *n = f->n;

	while (fuzz_more(f)) {
		fuzz_check(f, "IOMMU_IOAS_UNMAP of the second mapping",
			   ioas_unmap(n, n->gpa + RAM_SIZE, SIDE_SIZE) ? errno : 0, 0);
		fuzz_check(f, "IOMMU_IOAS_MAP of the second mapping",
			   ioas_map(n, n->side, SIDE_SIZE, n->gpa + RAM_SIZE) ? errno : 0, 0);
	}
	return NULL;
}

static int fuzz_destroy(struct nested *n, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return ioctl(n->iommufd, IOMMU_DESTROY, &d) ? errno : 0;
}

static void *fuzz_hwpt(void *arg)
{
	struct fuzz *f = arg;
	struct nested *n = f->n;

	while (fuzz_more(f)) {
		struct iommu_hwpt_s390_zpci reg = guest_reg(n);
		int bad = !(fuzz_rnd(f) % 4);
		uint64_t addr, size;
		uint32_t id;
		int rc;

		fuzz_range(f, 0, &addr, &size);
		reg.start = addr;
		reg.end = addr + size - 1;
		if (fuzz_rnd(f) % 2)
			reg.iota = ((n->gpa + fuzz_rnd(f) % RAM_SIZE) & ~0x3fffUL) | IOTA_RTTO;
		if (bad)
			reg.start |= 8;
		rc = nested_alloc(n, reg, &id);
		fuzz_check(f, bad ? "IOMMU_HWPT_ALLOC of a bad window" : "IOMMU_HWPT_ALLOC",
			   rc, bad ? EINVAL : 0);
		if (rc)
			continue;
		fuzz_check(f, "attach to a new nested HWPT", attach(n, id), 0);
		/* Refreshes must lie in the HWPT's window */
		fuzz_range(f, 0, &addr, &size);
		fuzz_check(f, "IOMMU_HWPT_INVALIDATE of a new nested HWPT",
			   hwpt_refresh(n, id, addr, size, NULL),
			   addr >= reg.start && addr + size - 1 <= reg.end ? 0 : EINVAL);
		if (fuzz_rnd(f) % 4 == 0)
			fuzz_check(f, "IOMMU_DESTROY of the attached HWPT", fuzz_destroy(n, id),
				   EBUSY);
		if (fuzz_rnd(f) % 4 == 0)
			fuzz_check(f, "attach to the nest parent", attach(n, n->parent), 0);
		fuzz_check(f, "attach back to the first nested HWPT", attach(n, n->hwpt), 0);
		fuzz_check(f, "IOMMU_DESTROY of a new nested HWPT", fuzz_destroy(n, id), 0);
	}
	return NULL;
}

/* splitmix64: well-spread, non-zero xorshift states from any seed */
static uint64_t fuzz_seed(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (x ^ (x >> 31)) | 1;
}

static void case_fuzz(struct nested *n)
{
	static void *(*const fn[])(void *) = { fuzz_tables, fuzz_ioas, fuzz_hwpt };
	static const char * const name[] = { "tables", "ioas", "hwpt" };
	const char *secs = getenv("ZPCI_NESTED_FUZZ_SECONDS");
	const char *seed_env = getenv("ZPCI_NESTED_SEED");
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);
	uint64_t end = now_ns() + (secs ? strtoull(secs, NULL, 0) : 15) * 1000000000ULL;
	long before = vm_pinned_kb(), after;
	struct fuzz f[3];

	/* No DMA while the guest's tables are noise: a fault ends the function */
	virtio_reset(n);
	printf("# fuzz: seed %llu (ZPCI_NESTED_SEED)\n", (unsigned long long)seed);
	for (int i = 0; i < 3; i++) {
		f[i] = (struct fuzz) {
			.n = n, .name = name[i], .end_ns = end, .rnd = fuzz_seed(seed + i),
		};
		f[i].started = !pthread_create(&f[i].thread, NULL, fn[i], &f[i]);
	}
	for (int i = 0; i < 3; i++) {
		if (f[i].started)
			pthread_join(f[i].thread, NULL);
		printf("# fuzz: %s: %lu calls, %lu wrong\n", f[i].name, f[i].calls, f[i].wrong);
		if (f[i].wrong)
			tap(0, "fuzz %s: %lu of %lu calls answered wrongly, first %s: %s", f[i].name,
			    f[i].wrong, f[i].calls, f[i].first_wrong,
			    f[i].first_err ? strerror(f[i].first_err) : "succeeded");
		else
			tap(f[i].started && f[i].calls, "fuzz %s: %lu calls, each answered as documented",
			    f[i].name, f[i].calls);
	}
	after = vm_pinned_kb();
	tap(after == before, "after the fuzz VmPin is back: %ld -> %ld kB", before, after);
	tables_again(n);
}

/*
 * The DMA that must not land, one per run: "none" (the default, for the
 * guest runs whose later programs need the function) or one of the others
 * (scripts/nested.sh, a boot each); or "bench" (scripts/bench.sh); or
 * "fuzz" (scripts/soak.sh).
 */
static const struct {
	const char *name;
	void (*run)(struct nested *n);
} cases[] = {
	{ "none", NULL },
	{ "parent-unmap", case_parent_unmap },
	{ "guest-unmap", case_guest_unmap },
	{ "outside", case_outside },
	{ "unmapped", case_unmapped },
	{ "protected", case_protected },
	{ "bench", case_bench },
	{ "fuzz", case_fuzz },
};

/* The first of the functions that is a modern virtio-rng device. */
static const char *pick_rng(int argc, char **argv)
{
	char vendor[16], device[16];

	for (int i = 1; i < argc; i++)
		if (vfio_dev_sysfs_read(argv[i], "vendor", vendor, sizeof(vendor)) > 0 &&
		    vfio_dev_sysfs_read(argv[i], "device", device, sizeof(device)) > 0 &&
		    !strcmp(vendor, "0x1af4") && !strcmp(device, "0x1044"))
			return argv[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *need = getenv("ZPCI_NESTED");
	const char *which = getenv("ZPCI_NESTED_CASE");
	struct nested n = { .iommufd = -1, .dev = -1 };
	const char *what = NULL;
	unsigned int c;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BDF...\n", argv[0]);
		return 2;
	}
	if (!which)
		which = cases[0].name;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]) && strcmp(cases[c].name, which); c++)
		;
	if (c == sizeof(cases) / sizeof(cases[0])) {
		fprintf(stderr, "unknown ZPCI_NESTED_CASE %s\n", which);
		return 2;
	}
	printf("TAP version 13\n");
	errno = ENODEV;
	n.bdf = pick_rng(argc, argv);
	for (int i = 1; i < argc; i++)
		if (n.bdf && strcmp(argv[i], n.bdf))
			n.other = argv[i];
	if (!n.bdf)
		what = "no modern virtio-rng function (QEMU: iommu_platform=on,disable-legacy=on)";
	else
		what = setup(&n);
	if (!what && (rc = nested_alloc(&n, guest_reg(&n), &n.hwpt)))
		what = "IOMMU_HWPT_ALLOC of an IOMMU_HWPT_DATA_S390_ZPCI nested HWPT";
	if (what) {
		int must = need && !strcmp(need, "y");

		printf("1..1\n%s 1 - %s: %s (%s)%s\n", must ? "not ok" : "ok",
		       n.bdf ? n.bdf : argv[1], what, strerror(errno),
		       must ? "" : " # SKIP the kernel has no s390 nesting");
		return must ? 1 : 4;
	}
	printf("# %s: guest RAM at 0x%llx, guest I/O addresses at 0x%llx, case %s\n", n.bdf,
	       (unsigned long long)n.gpa, (unsigned long long)n.io_base, cases[c].name);
	rc = attach(&n, n.hwpt);
	tap(!rc, "attach the function to the nested HWPT: %s", strerror(rc));
	if (!rc && enable_bus_master(&n))
		tap(0, "enable memory space and bus master: %s", strerror(errno));
	if (failed) {
		printf("1..%d\n", test_nr);
		return 1;
	}
	test_bad_input(&n);
	test_guest_window(&n);
	test_dma(&n);
	test_refresh_killable(&n, test_one_page_everywhere(&n));
	if (cases[c].run)
		cases[c].run(&n);
	rc = attach(&n, n.parent);
	tap(rc == 0, "attach back to the nest parent: %s", strerror(rc));
	destroy(&n, n.hwpt);
	printf("1..%d\n", test_nr);
	return failed;
}
