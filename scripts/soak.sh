#!/bin/sh
# soak.sh: the reliability run of the zPCI paths, on a debug kernel.
#
# Builds configs/soak/debug-kvm-y.config (kvm-y with KASAN, lockdep,
# kmemleak, UBSAN, list debugging and failslab), boots it on two CPUs and
# runs the guest's soak list: zpci_stress (threads on both functions at
# once), zpci_failslab (systematic and random allocation failures),
# zpci_fuzz (seeded random calls) and kmemleak_check (a scan at the end).
# guest.sh fails the run on any failed test point and on any kernel report
# on the console. Then the soak shows it can fail: the same kernel with
# tests/soak/leak.patch (GET_INFO no longer frees its capability chain)
# must be caught, by kmemleak. Each run prints the calls made, the faults
# injected and the kernel reports found.
set -eu
. "$(dirname "$0")/lib.sh"

cell_file=$TOP/configs/soak/debug-kvm-y.config
cell=$(basename "$cell_file" .config)
# The broken kernel needs only enough calls to leak.
short="ZPCI_STRESS_SECONDS=3 ZPCI_FAILSLAB_ROUNDS=2 ZPCI_FUZZ_CALLS=1000"
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
	/^# kmemleak: [0-9]+ leaks reported/ { leaks += $3 }
	END {
		printf "calls %d (stress %d, failslab %d, fuzz %d), faults injected %d, ",
			stress + failslab + fuzz, stress, failslab, fuzz, faults
		printf "kernel reports %d, kmemleak objects %d\n", reports, leaks
	}' "$1"
}

"$TOP/scripts/build.sh" "$cell_file"
status=0
"$TOP/scripts/guest.sh" --list soak --smp 2 --timeout 1500 "$cell" || status=$?
say "soak: $cell: $(figures "$LOGS/guest-$cell-soak.log")"
[ "$status" -eq 0 ] || exit "$status"

# The deliberately broken kernel: a worktree at the series' HEAD with the
# leak applied, kept between runs while both are unchanged.
broken=$BUILD/broken/linux
head=$(git_src rev-parse HEAD)
if [ "$(git -C "$broken" rev-parse HEAD 2>/dev/null)" != "$head" ] ||
	! git -C "$broken" apply --check -R "$TOP/tests/soak/leak.patch" 2>/dev/null ||
	[ "$(git -C "$broken" status --porcelain | wc -l)" -ne 1 ]; then
	rm -rf "$broken"
	git_src worktree prune
	run_logged "worktree for the broken kernel" "$log" "$repro" \
		git_src worktree add -q --detach "$broken" "$head"
	run_logged "apply tests/soak/leak.patch" "$log" "$repro" \
		git -C "$broken" apply "$TOP/tests/soak/leak.patch"
fi
KERNEL_TREE=broken "$TOP/scripts/build.sh" "$cell_file"
status=0
KERNEL_TREE=broken "$TOP/scripts/guest.sh" --list soak --smp 2 --timeout 900 --env "$short" \
	"$cell" >>"$log" 2>&1 || status=$?
console=$LOGS/guest-$cell-broken-soak.log
say "soak: $cell with tests/soak/leak.patch: $(figures "$console")"
caught=$(grep -c 'unreferenced object' "$console" || true)
if [ "$status" -eq 0 ] || [ "$caught" -eq 0 ]; then
	printf 'soak: the leak of tests/soak/leak.patch was not caught (guest.sh status %s, %s kmemleak reports)\n' \
		"$status" "$caught" >>"$log"
	fail_with_log "soak: the broken kernel passed" "$log" "$repro"
fi
say "soak: the broken kernel failed as it must: kmemleak reported $caught unreferenced objects"
