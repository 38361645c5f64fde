#!/bin/sh
# show.sh CELL: the main job's report. Boot CELL and print what userspace
# sees of each zPCI function through vfio-pci (VFIO_DEVICE_GET_INFO flags
# and every zPCI capability, decoded), then a one-line verdict. Fails
# unless the guest ran and every zPCI function it found, at least one,
# reports zPCI capabilities.
# show.sh --verdict CELL: only the verdict, on a report read from stdin
# (the harness's own tests judge made-up reports this way, without booting).
set -eu
. "$(dirname "$0")/lib.sh"

# verdict CELL: judge the report on stdin, one "verdict: FUNCTION: ..." line
# per zPCI function the guest found. "0 of 2" (the unpatched base in kvm-n)
# and "0 of 0" (no function found) are failures, not reports.
verdict() {
	report=$(cat)
	total=$(printf '%s\n' "$report" | grep -c '^verdict: ' || true)
	with=$(printf '%s\n' "$report" | grep -c '^verdict: .*: zPCI capabilities: ' || true)
	say "== verdict: $1: $with of $total zPCI functions report zPCI capabilities through vfio-pci"
	[ "$total" -gt 0 ] || die "$1: the guest found no zPCI function"
	[ "$with" -eq "$total" ] || die "$1: $((total - with)) of $total zPCI functions report no zPCI capabilities"
}

if [ "${1:-}" = --verdict ]; then
	[ $# -eq 2 ] || die "usage: show.sh [--verdict] CELL"
	verdict "$2"
	exit
fi
[ $# -eq 1 ] || die "usage: show.sh [--verdict] CELL"
cell=$1
say "== $cell: $(cell_description "$TOP/configs/$cell.config")"
# guest.sh's own status too: it fails on a kernel report, a timeout or a
# function that did not bind, whatever the report says.
guest=0
report=$("$TOP/scripts/guest.sh" --show zpci_info "$cell") || guest=$?
report=$(printf '%s\n' "$report" | grep -v '^tap: ' || true)
printf '%s\n' "$report"
printf '%s\n' "$report" | verdict "$cell"
[ "$guest" -eq 0 ] || die "$cell: the guest run failed (above)"
