#!/bin/sh
# guest.sh [--mode run|exit|hang] [--timeout SECONDS] [--show PROG]
#          [--list NAME] [--smp CPUS] [--env "VAR=value ..."] CELL
#
# Boot build/out/CELL in QEMU with the test initramfs and judge the console:
# the run must finish in time, reach "guest: done" with every zPCI function
# bound to vfio-pci, and print no panic, Oops, BUG, WARNING or sanitizer
# report. Each test program's output (one per program and function) must be
# good TAP with every point passing. The last line is
# "tap: P passed, F failed, S skipped".
#
# --show PROG runs only PROG and prints its output instead of judging TAP.
# --list NAME runs the guest's /tests/NAME.list instead of its /tests/list
# (soak and leak: scripts/soak.sh's runs on debug kernels), on
# CPUS virtual CPUs (default 1); --env sets variables for the programs.
# --mode exit|hang make init panic the kernel or never finish: the runner
# must fail on both (tests/harness/run.sh checks that).
set -eu
. "$(dirname "$0")/lib.sh"

mode=run timeout=${GUEST_TIMEOUT:-300} show= list= smp=1 env=
while [ $# -gt 1 ]; do
	case $1 in
	--mode) mode=$2 ;;
	--timeout) timeout=$2 ;;
	--show) show=$2 ;;
	--list) list=$2 ;;
	--smp) smp=$2 ;;
	--env) env=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[ $# -eq 1 ] || die "usage: guest.sh [--mode M] [--timeout S] [--show PROG] [--list NAME] [--smp N] [--env V=X] CELL"
cell=$1
name=guest-$cell$KTAG${show:+-$show}${list:+-$list}
[ "$mode" = run ] || name=$name-$mode
log=$LOGS/$name.log
sections=$LOGS/$name
repro="make guest CELL=$cell"
[ -z "$show" ] || repro="make show CELL=$cell"
[ "$mode" = run ] || repro="scripts/guest.sh --mode $mode --timeout $timeout $cell"
[ -z "$list" ] || repro="scripts/guest.sh --list $list${env:+ --env \"$env\"} $cell"

"$TOP/scripts/initramfs.sh" "$cell"
# Tell the kselftests whether this kernel has the zPCI KVM part; the kernel
# passes NAME=value parameters on to init's environment.
zdev_kvm=n
! grep -q '^CONFIG_VFIO_PCI_ZDEV_KVM=y' "$KOUT/$cell/.config" || zdev_kvm=y
# ... and whether it must offer iommufd nesting (zpci_nested_dma), which the
# s390 IOMMU driver has wherever iommufd and the vfio cdev are built.
nested=n
! grep -q '^CONFIG_IOMMUFD=y' "$KOUT/$cell/.config" ||
	! grep -q '^CONFIG_VFIO_DEVICE_CDEV=y' "$KOUT/$cell/.config" || nested=y
args="guest.mode=$mode VFIO_SELFTESTS_ZPCI_KVM=$zdev_kvm ZPCI_NESTED=$nested${show:+ guest.tests=$show}${list:+ guest.list=$list} $env"
status=0
QEMU_SMP=$smp timeout -k 5 "$timeout" "$TOP/scripts/qemu.sh" "$KOUT/$cell/arch/s390/boot/bzImage" \
	"$KOUT/$cell/initramfs.cpio" "$args" </dev/null >"$log.raw" 2>&1 || status=$?
tr -d '\r' <"$log.raw" >"$log"
rm -f "$log.raw"

problems=
# problem TEXT: note a reason to fail (ignored when TEXT is empty).
problem() { [ -z "$1" ] || problems="$problems$1
"; }
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || problem "timeout: no power-off within ${timeout}s"
problem "$(grep -E "$KERNEL_REPORTS" "$log" |
	head -n 5 | sed 's/^/console: /')"
grep -q '^guest: done$' "$log" || problem "the guest did not finish (no \"guest: done\")"
problem "$(grep '^guest: bind .*FAILED' "$log")"
want=$("$TOP/scripts/qemu.sh" --functions)
if grep -q '^guest: done$' "$log"; then
	bound=$(sed -n 's/^guest: \([0-9]*\) functions bound to vfio-pci$/\1/p' "$log")
	[ "${bound:-0}" -eq "$want" ] || problem "${bound:-0} of $want zPCI functions bound to vfio-pci"
fi

# Split the console into one file per program run and judge each.
rm -rf "$sections"
mkdir -p "$sections"
awk -v dir="$sections" '
	/^guest: run / { f = dir "/" $3 "@" $4; printf "" >f; next }
	/^guest: exit / { print substr($5, 8) >(f ".status"); close(f); f = ""; next }
	f != "" { print >>f }' "$log"
passed=0 failed=0 skipped=0
for s in $(ls "$sections" | grep -v '\.status$' || true); do
	st=$(cat "$sections/$s.status" 2>/dev/null || echo "missing")
	if [ -n "$show" ]; then
		cat "$sections/$s"
		[ "$st" = 0 ] || problem "$s: exit status $st"
		continue
	fi
	awk -f "$TOP/scripts/tap.awk" "$sections/$s" >"$sections/$s.result" || true
	problem "$(sed -n "s|^FAIL |$s: FAIL |p; s|^tap: error: |$s: TAP error: |p" "$sections/$s.result")"
	case $st in
	0|4) ;;
	*) problem "$s: exit status $st" ;;
	esac
	set -- $(sed -n 's/^tap: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$sections/$s.result")
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
	say "$cell: $s: $1 passed, $2 failed, $3 skipped"
done
if [ -z "$show" ] && [ -z "$(ls "$sections")" ] && [ "$mode" = run ]; then
	problem "no test program ran"
fi

if [ -n "$problems" ]; then
	printf 'guest %s (mode %s):\n%s' "$cell" "$mode" "$problems" >&2
	[ "$failed" -gt 0 ] || failed=1
	say "tap: $passed passed, $failed failed, $skipped skipped"
	TAIL_LINES=15 fail_with_log "guest run on $cell" "$log" "$repro"
fi
say "tap: $passed passed, $failed failed, $skipped skipped"
