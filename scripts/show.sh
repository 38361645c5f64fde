#!/bin/sh
# show.sh CELL: the main job's report. Boot CELL and print what userspace
# sees of each zPCI function through vfio-pci (VFIO_DEVICE_GET_INFO flags
# and every zPCI capability, decoded), then a one-line verdict.
set -eu
. "$(dirname "$0")/lib.sh"

cell=$1
say "== $cell: $(cell_description "$TOP/configs/$cell.config")"
report=$("$TOP/scripts/guest.sh" --show zpci_info "$cell" | grep -v '^tap: ')
printf '%s\n' "$report"
total=$(printf '%s\n' "$report" | grep -c '^verdict: ' || true)
with=$(printf '%s\n' "$report" | grep -c '^verdict: .*: zPCI capabilities: ' || true)
say "== verdict: $cell: $with of $total zPCI functions report zPCI capabilities through vfio-pci"
