#!/bin/sh
# soak.sh: the reliability run of the zPCI paths, on a debug kernel.
#
# Builds configs/soak/debug-kvm-y.config (kvm-y with KASAN, lockdep,
# kmemleak, UBSAN, list debugging and failslab), boots it on two CPUs and
# runs the guest's soak list: kunit_results (the series' KUnit suites,
# run at boot on this kernel), zpci_stress (threads on both functions at
# once), zpci_failslab (systematic and random allocation failures),
# zpci_fuzz (seeded random calls) and kmemleak_check (a scan at the end).
# The kernel has iommufd and the vfio cdev for zpci_nested_dma's fuzz case
# (ZPCI_NESTED_CASE=fuzz), which is not in the list yet (see
# tests/guest/Makefile).
# guest.sh fails the run on any failed test point and on any kernel report
# on the console. Then the soak shows it can fail: the same kernel with
# tests/soak/leak.patch (GET_INFO no longer frees its capability chain)
# must be caught, by kmemleak, after a short stress run. Each run prints
# the calls made, the faults injected and the kernel reports found.
set -eu
. "$(dirname "$0")/lib.sh"

cell_file=$TOP/configs/soak/debug-kvm-y.config
cell=$(basename "$cell_file" .config)
log=$LOGS/soak.log
repro="scripts/soak.sh"
: >"$log"

# figures CONSOLE-LOG: what a soak run did and found, on one line.
figures() {
	awk -v reports="$(grep -cE "$KERNEL_REPORTS" "$1" || true)" '
	/^# zpci_stress: calls / { stress += $4 }
	/^# zpci_failslab: (systematic|random) [a-z-]+: / { failslab += $5 }
	/^# zpci_failslab: (systematic|random): / { faults += $4 }
	/^# zpci_fuzz: [0-9]+ calls:/ { fuzz += $3 }
	/^# fuzz: [a-z]+: [0-9]+ calls,/ { nested += $4 }
	/^# kmemleak: [0-9]+ leaks reported/ { leaks += $3 }
	END {
		printf "calls %d (stress %d, failslab %d, fuzz %d, nested fuzz %d), faults injected %d, ",
			stress + failslab + fuzz + nested, stress, failslab, fuzz, nested, faults
		printf "kernel reports %d, kmemleak objects %d\n", reports, leaks
	}' "$1"
}

"$TOP/scripts/build.sh" "$cell_file"
# The KUnit suites the series adds run at boot (kunit.enable=1) on this
# kernel, and the guest's kunit_results judges each by name: every suite
# defined in a test file that the series adds or changes.
suites=$(git_src diff --name-only --diff-filter=AM base..HEAD -- '*test*.c' |
	(cd "$SRC" && xargs -r grep -h -A3 '^static struct kunit_suite ') |
	sed -n 's/^[[:space:]]*\.name = "\([^"]*\)",$/\1/p' | paste -sd, -)
[ -n "$suites" ] || die "soak: the series adds no KUnit suite"
status=0
"$TOP/scripts/guest.sh" --list soak --smp 2 --timeout 1500 \
	--env "kunit.enable=1 KUNIT_SUITES=$suites ZPCI_NESTED_CASE=fuzz" "$cell" || status=$?
say "soak: $cell: $(figures "$LOGS/guest-$cell-soak.log")"
[ "$status" -eq 0 ] || exit "$status"

# The deliberately broken kernel: tests/soak/leak.patch applied to
# build/linux only while a copy of the debug build directory is rebuilt, so
# that just the patched object compiles again. The patched file gets its
# contents and its time stamp back afterwards, even on failure, so no other
# build sees a change.
patched=$(sed -n 's|^+++ b/||p' "$TOP/tests/soak/leak.patch")
stamp=$BUILD/broken/stamp
restore() {
	git -C "$SRC" apply -R "$TOP/tests/soak/leak.patch" 2>/dev/null || true
	[ ! -f "$stamp" ] || touch -r "$stamp" "$SRC/$patched"
}
mkdir -p "$BUILD/broken/out"
rm -rf "$BUILD/broken/out/$cell"
cp -a "$OUT/$cell" "$BUILD/broken/out/$cell"
touch -r "$SRC/$patched" "$stamp"
trap restore EXIT INT TERM
run_logged "apply tests/soak/leak.patch" "$log" "$repro" \
	git -C "$SRC" apply "$TOP/tests/soak/leak.patch"
KERNEL_TREE=broken "$TOP/scripts/build.sh" "$cell_file"
restore
trap - EXIT INT TERM
status=0
# It needs only some GET_INFO calls and the scan: the guest's leak.list.
KERNEL_TREE=broken "$TOP/scripts/guest.sh" --list leak --smp 2 --timeout 600 \
	--env ZPCI_STRESS_SECONDS=5 "$cell" >>"$log" 2>&1 || status=$?
console=$LOGS/guest-$cell-broken-leak.log
say "soak: $cell with tests/soak/leak.patch: $(figures "$console")"
caught=$(sed -n 's/^# kmemleak: \([0-9]*\) leaks reported$/\1/p' "$console")
if [ "$status" -eq 0 ] || [ "${caught:-0}" -eq 0 ]; then
	printf 'soak: the leak of tests/soak/leak.patch was not caught (guest.sh status %s, %s kmemleak reports)\n' \
		"$status" "${caught:-no}" >>"$log"
	fail_with_log "soak: the broken kernel passed" "$log" "$repro"
fi
say "soak: the broken kernel failed as it must: kmemleak reported $caught leaked objects"
