#!/bin/sh
# base-check.sh [CELL]: the series' guest tests against a kernel built from
# the unpatched base (default cell kvm-n). The zPCI capability kselftest must
# fail there, on its zPCI test points and on each function, while the
# generic vfio_bind test passes and the console stays clean: the kselftest
# can fail, and it is the series that makes it pass.
set -eu
export KERNEL_TREE=base
. "$(dirname "$0")/lib.sh"

cell=${1:-kvm-n}
log=$LOGS/base-check-$cell.log
repro="scripts/base-check.sh $cell"

"$TOP/scripts/build.sh" "$cell"

status=0
"$TOP/scripts/guest.sh" "$cell" >"$log" 2>&1 || status=$?
fail() {
	printf 'base-check: %s\n' "$1" >>"$log"
	fail_with_log "base-check $cell: $1" "$log" "$repro"
}
[ "$status" -ne 0 ] || fail "the zPCI kselftest passed on the unpatched base"
! grep -q '^console: \|^timeout: ' "$log" || fail "the base kernel run was not clean"
! grep -q 'vfio_bind@.*: FAIL' "$log" || fail "vfio_bind failed on the base"
functions=$("$TOP/scripts/qemu.sh" --functions)
failing=$(grep -c 'vfio_pci_zdev_test@.*: FAIL zpci\.info_flags_caps$' "$log" || true)
[ "$failing" -eq "$functions" ] ||
	fail "expected zpci.info_flags_caps to fail on all $functions functions, it failed on $failing"
say "base-check: on the unpatched base ($cell) the zPCI kselftest fails as it must:"
grep "^$cell: " "$log"
