#!/bin/sh
# nested.sh [CELL]: the negative DMA cases of zpci_nested_dma, one boot each.
# A zPCI function that faults on a DMA stays in the error state, and
# nothing recovers a function that vfio-pci holds, so each boot can check
# one DMA that must not reach memory. The guest runs of every bootable cell
# (guest.sh) run zpci_nested_dma without one (case "none"), since the
# kselftest runs on the same function after it; this runs each case on the
# default cell. Prints "tap: P passed, F failed, S skipped" over all boots.
set -eu
. "$(dirname "$0")/lib.sh"

cell=${1:-kvm-n}
cases="parent-unmap guest-unmap outside unmapped protected"
passed=0 failed=0 skipped=0 bad=
"$TOP/scripts/build.sh" "$cell"
for c in $cases; do
	status=0
	out=$("$TOP/scripts/guest.sh" --list nested --env "ZPCI_NESTED_CASE=$c" "$cell" 2>&1) ||
		status=$?
	# guest.sh's log of this boot, kept under the case's name
	cp "$LOGS/guest-$cell-nested.log" "$LOGS/nested-$cell-$c.log"
	set -- $(printf '%s\n' "$out" | sed -n 's/^tap: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' | tail -n 1)
	[ $# -eq 3 ] || set -- 0 1 0
	[ "$status" -eq 0 ] || [ "$2" -gt 0 ] || set -- "$1" 1 "$3"
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
	say "nested: $cell: case $c: $1 passed, $2 failed, $3 skipped"
	if [ "$2" -gt 0 ] || [ "$1" -eq 0 ]; then
		bad="$bad $c"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/    | /'
		say "    log: ${LOGS#$TOP/}/nested-$cell-$c.log"
		say "    reproduce with: scripts/guest.sh --list nested --env ZPCI_NESTED_CASE=$c $cell"
	fi
done
[ -z "$bad" ] || failed=$((failed > 0 ? failed : 1))
say "tap: $passed passed, $failed failed, $skipped skipped"
[ -z "$bad" ]
