#!/bin/sh
# qemu.sh KERNEL INITRD [KERNEL-ARG...]: boot the test guest. This is the
# harness's one QEMU command line: s390x under TCG, with two zPCI functions
# (uid 5 and 7, so the guest sees PCI domains 0005 and 0007).
# qemu.sh --functions: how many zPCI functions the guest gets.
# QEMU_SMP sets the number of virtual CPUs (default 1); QEMU_ICOUNT=N runs
# with -icount shift=N, where guest time counts instructions (benchmarks).
set -eu

ZPCI_FUNCTIONS="
	-device zpci,uid=5,fid=7,target=rng0 -device virtio-rng-pci,id=rng0,iommu_platform=on,disable-legacy=on
	-device zpci,uid=7,fid=0x22,target=net0 -device virtio-net-pci,id=net0,romfile=,netdev=net0
	-netdev user,id=net0,restrict=on"

if [ "${1:-}" = --functions ]; then
	printf '%s\n' "$ZPCI_FUNCTIONS" | grep -c 'zpci,'
	exit 0
fi
[ $# -ge 2 ] || { echo "usage: qemu.sh KERNEL INITRD [KERNEL-ARG...]" >&2; exit 2; }
kernel=$1 initrd=$2
shift 2

# panic=-1 with -no-reboot: a panicking guest ends QEMU at once.
# loglevel=5 keeps WARNING lines on the console, where the host looks for them.
exec qemu-system-s390x -machine s390-ccw-virtio -cpu qemu -smp "${QEMU_SMP:-1}" -m 512 \
	-nographic -no-reboot -nic none $ZPCI_FUNCTIONS \
	${QEMU_ICOUNT:+-icount shift=$QEMU_ICOUNT,sleep=off} \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttysclp0 panic=-1 loglevel=5 $*"
