#!/bin/sh
# warnings.sh [CELL...]: no new W=1 or sparse warnings against the base in
# the kernel directories the series touches (default cells kvm-y, kvm-n).
# Each directory is built with W=1 C=2 from the base and from the series,
# and the warnings are compared as "file: text" (line numbers dropped, since
# code moves). Counting against the base, not demanding zero, because
# bookworm's sparse has known false positives on unchanged code.
set -eu
. "$(dirname "$0")/lib.sh"

cells=${*:-kvm-y kvm-n}
# Directories with a Makefile that hold a file the series changes; headers
# are checked through the .c files of those directories.
dirs=$(git_src diff --name-only base..HEAD | grep -vE '^(tools|Documentation|include)/|^MAINTAINERS$' |
	xargs -r -n1 dirname | sort -u | while read -r d; do
		[ -f "$SRC/$d/Makefile" ] && echo "$d/"; done)
[ -n "$dirs" ] || { say "warnings: the series changes no kernel directory"; exit 0; }

# warnings_of TREE CELL: the W=1 and sparse warnings of $dirs, normalized.
# make's output is kept in a log and its status checked: a make or sparse
# that breaks prints no warning, on the base as on the series, and the two
# empty lists would compare equal.
warnings_of() {
	KERNEL_TREE=$1 "$TOP/scripts/build.sh" "$2" >/dev/null
	use_kernel_tree "$1"
	log=$LOGS/warnings-$2-$1.log
	make -C "$KSRC" O="$KOUT/$2" ARCH=s390 CROSS_COMPILE="$S390_CROSS" \
		-j"$JOBS" -Otarget W=1 C=2 $dirs >"$log" 2>&1 ||
		fail_with_log "make W=1 C=2 failed on the $1 tree in $2" "$log" "scripts/warnings.sh $2"
	grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):' "$log" |
		sed -E 's|^([^ ]*/)?linux/||; s|^([^:]+):[0-9]+(:[0-9]+)?:|\1:|' | sort
}

new=0
for cell in $cells; do
	warnings_of base "$cell" >"$LOGS/warnings-$cell-base.txt"
	warnings_of series "$cell" >"$LOGS/warnings-$cell-series.txt"
	new_against_base "warnings-$cell" "$(echo $dirs)" || new=1
done
[ "$new" -eq 0 ] || die "the series adds W=1 or sparse warnings (above)"
