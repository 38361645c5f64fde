#!/bin/sh
# coccicheck.sh: "make coccicheck MODE=report M=drivers/vfio/pci/" reports
# nothing new against the base. Reports are compared as "file: text", line
# numbers dropped, since code moves.
set -eu
. "$(dirname "$0")/lib.sh"

dir=drivers/vfio/pci/
# report_of TREE: the normalized coccicheck report of $dir in TREE.
report_of() {
	use_kernel_tree "$1"
	[ -d "$KSRC/$dir" ] || KERNEL_TREE=$1 "$TOP/scripts/build.sh" --config-only kvm-n >/dev/null
	make -C "$KSRC" ARCH=s390 coccicheck MODE=report M="$dir" J="$JOBS" >"$LOGS/coccicheck-$1.log" 2>&1 ||
		fail_with_log "coccicheck ($1)" "$LOGS/coccicheck-$1.log" "scripts/coccicheck.sh"
	grep -E '^[^ ]+:[0-9]+:[0-9]+-[0-9]+: ' "$LOGS/coccicheck-$1.log" |
		sed -E 's|^([^ ]*/)?linux/||; s|^([^:]+):[0-9]+:[0-9]+-[0-9]+:|\1:|' | sort
}

report_of base >"$LOGS/coccicheck-base.txt"
report_of series >"$LOGS/coccicheck-series.txt"
new_against_base coccicheck "$dir" || die "coccicheck reports something new (above)"
