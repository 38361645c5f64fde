#!/bin/sh
# initramfs.sh CELL: pack build/out/CELL/initramfs.cpio for the test guest:
# /init, /tests (the harness's guest programs, the series' vfio kselftests
# and their list) and, for cells with modules, /lib/modules with a load order
# taken from modules.dep. Programs are built from the series tree; the
# kernel's modules come from the tree under test (KERNEL_TREE).
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: initramfs.sh CELL"
cell=$1
out=$KOUT/$cell
hdr=$OUT/headers
guest=$OUT/guest
kst=$OUT/kselftest
log=$LOGS/initramfs-$cell$KTAG.log
repro="scripts/initramfs.sh $cell"
[ -x "$out/usr/gen_init_cpio" ] || die "$cell is not built (or cannot boot): make build CELL=$cell"
: >"$log"

# The series' uAPI headers, so programs see its new definitions.
run_logged "headers_install" "$log" "$repro" \
	make -C "$SRC" O="$hdr" ARCH=s390 headers_install
mkdir -p "$guest"
run_logged "guest programs" "$log" "$repro" \
	make -C "$TOP/tests/guest" OUT="$guest" HDR="$hdr/usr/include" \
		SELFTESTS="$SRC/tools/testing/selftests"
# A list line is "PROG" or "PROG all" (init.c); the kselftests run per function.
tests=$(cat "$guest/list")
rm -rf "$kst"
if [ -d "$SRC/tools/testing/selftests/vfio" ]; then
	# The standard kselftest build, cross and static.
	run_logged "vfio kselftests" "$log" "$repro" \
		make -C "$SRC/tools/testing/selftests" TARGETS=vfio O="$kst" \
			CROSS_COMPILE="$S390_CROSS" USERLDFLAGS=-static USERCFLAGS=-Werror \
			KHDR_INCLUDES="-isystem $hdr/usr/include"
	for p in "$kst"/kselftest/vfio/*; do
		[ -x "$p" ] && [ -f "$p" ] || continue
		cp "$p" "$guest/"
		tests="$tests
$(basename "$p")"
	done
fi
printf '%s\n' "$tests" >"$out/tests.list"
# The other programs ride along: the soak's (/tests/soak.list), zpci_info
# and zpci_bench, run by name.
programs=$( (cut -d' ' -f1 "$out/tests.list"; cat "$guest/programs") | sort -u)

spec=$out/initramfs.spec
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /proc /sys /tests /lib /lib/modules; do echo "dir $d 0755 0 0"; done
	echo "file /init $guest/init 0755 0 0"
	echo "file /tests/list $out/tests.list 0644 0 0"
	echo "file /tests/soak.list $guest/soak.list 0644 0 0"
	echo "file /tests/leak.list $guest/leak.list 0644 0 0"
	echo "file /tests/nested.list $guest/nested.list 0644 0 0"
	for p in $programs; do
		echo "file /tests/$p $guest/$p 0755 0 0"
	done
	dep=$(find "$out/modroot" -name modules.dep 2>/dev/null | head -n 1)
	if [ -n "$dep" ] && [ -s "$dep" ]; then
		# modules.dep lines are "mod.ko: dep.ko ..."; tsort puts deps first.
		awk -F'[: ]+' '{ print $1, $1; for (i = 2; i <= NF; i++) if ($i != "") print $i, $1 }' "$dep" |
			tsort | xargs -r -n1 basename >"$out/initramfs.modules"
		moddir=$(dirname "$dep")
		for m in $(cat "$out/initramfs.modules"); do
			echo "file /lib/modules/$m $(find "$moddir" -name "$m" | head -n 1) 0644 0 0"
		done
		echo "file /lib/modules/order $out/initramfs.modules 0644 0 0"
	fi
} >"$spec"
run_logged "gen_init_cpio" "$log" "$repro" sh -c "'$out/usr/gen_init_cpio' '$spec' >'$out/initramfs.cpio'"
