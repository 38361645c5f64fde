#!/bin/sh
# base-check.sh: the series against kernels built from the unpatched base.
#  - kvm-n: the series' guest tests on a base kernel. The zPCI capability
#    kselftest must fail there, on its zPCI points and on every function,
#    and so must zpci_nested_dma (no iommufd nesting in the s390 IOMMU),
#    while vfio_bind passes and the console stays clean: the kselftest can
#    fail, and it is the series that makes it pass.
#  - kvm-y: with KVM the series changes nothing userspace sees: zpci_info
#    prints the same flags, capabilities and values on base and series.
set -eu
export KERNEL_TREE=base
. "$(dirname "$0")/lib.sh"

log=$LOGS/base-check.log
repro="scripts/base-check.sh"
: >"$log"
fail() {
	printf 'base-check: %s\n' "$1" >>"$log"
	fail_with_log "base-check: $1" "$log" "$repro"
}

"$TOP/scripts/build.sh" kvm-n
status=0
"$TOP/scripts/guest.sh" kvm-n >>"$log" 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "the zPCI kselftest passed on the unpatched base"
! grep -q '^console: \|^timeout: ' "$log" || fail "the base kernel run was not clean"
! grep -q 'vfio_bind@.*: FAIL' "$log" || fail "vfio_bind failed on the base"
functions=$("$TOP/scripts/qemu.sh" --functions)
failing=$(grep -c 'vfio_pci_zdev_test@.*: FAIL zpci\.chain_is_well_formed$' "$log" || true)
[ "$failing" -eq "$functions" ] ||
	fail "expected zpci.chain_is_well_formed to fail on all $functions functions, it failed on $failing"
# The base has no s390 nesting: zpci_nested_dma must fail (kvm-n demands it).
grep -q '^kvm-n: zpci_nested_dma@all: 0 passed, [1-9][0-9]* failed' "$log" ||
	fail "zpci_nested_dma did not fail on the unpatched base"
say "base-check: kvm-n: on the unpatched base the zPCI kselftest and the nested DMA test fail as they must:"
grep '^kvm-n: ' "$log"

"$TOP/scripts/build.sh" kvm-y
"$TOP/scripts/guest.sh" --show zpci_info kvm-y | grep -v '^tap: ' >"$LOGS/zpci-info-kvm-y-base.txt"
KERNEL_TREE=series "$TOP/scripts/guest.sh" --show zpci_info kvm-y | grep -v '^tap: ' \
	>"$LOGS/zpci-info-kvm-y-series.txt"
grep -q '^verdict: .*zPCI capabilities: ' "$LOGS/zpci-info-kvm-y-base.txt" ||
	fail "the base kvm-y kernel reports no zPCI capabilities"
diff -u "$LOGS/zpci-info-kvm-y-base.txt" "$LOGS/zpci-info-kvm-y-series.txt" >>"$log" ||
	fail "kvm-y: userspace sees something else with the series than on the base"
say "base-check: kvm-y: base and series report the same to userspace:"
grep '^verdict: ' "$LOGS/zpci-info-kvm-y-series.txt"
