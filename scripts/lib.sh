# Shared by every script: paths, the pinned base, identity and error helpers.
# Source it; do not run it.

TOP=$(cd "$(dirname "$0")/.." && pwd)
# HARNESS_BUILD and HARNESS_PATCHES point the scripts elsewhere (the
# harness's own tests); KERNEL_TREE=base builds and boots kernels from the
# unpatched base instead of the series (scripts/base-check.sh).
BUILD=${HARNESS_BUILD:-$TOP/build}
PATCHES=${HARNESS_PATCHES:-$TOP/patches}
SRC=$BUILD/linux
OUT=$BUILD/out
LOGS=$BUILD/logs
# use_kernel_tree series|base|broken: build and boot kernels from KSRC into
# KOUT. Guest programs and kselftests always come from the series tree, SRC.
# base is the unpatched base, at the same depth as the series tree, so
# ccache (base_dir) sees the same relative paths; broken builds the series
# tree into its own directory while scripts/soak.sh has tests/soak/leak.patch
# applied to it.
use_kernel_tree() {
	case $1 in
	series) KSRC=$SRC KOUT=$OUT KTAG= ;;
	base) KSRC=$BUILD/base/linux KOUT=$BUILD/base/out KTAG=-base ;;
	broken) KSRC=$SRC KOUT=$BUILD/broken/out KTAG=-broken ;;
	*) die "KERNEL_TREE must be series, base or broken, not $1" ;;
	esac
}

# What a kernel prints when something is wrong: panics, Oopses, BUG and
# WARNING (lockdep's reports and sleeping in atomic context among them),
# KASAN and UBSAN reports, kmemleak's findings.
KERNEL_REPORTS='Kernel panic|Oops|BUG:|WARNING:|Call Trace:|UBSAN:|KASAN:|unreferenced object|suspected memory leak|possible (recursive|circular) locking'

. "$TOP/base.conf"

# Author and committer of every patch in the queue.
DEV_NAME="zPCI VFIO Developers"
DEV_EMAIL="zpci-vfio@example.org"

JOBS=$(( $(nproc) + 1 ))
S390_CROSS=s390x-linux-gnu-

mkdir -p "$LOGS"

say() { printf '%s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# fail_with_log WHAT LOG REPRO: report a failed job the project's way: what
# failed, the end of its log, and the one command that reproduces it.
fail_with_log() {
	printf '\nFAILED: %s\n--- last lines of %s ---\n' "$1" "$2" >&2
	tail -n "${TAIL_LINES:-25}" "$2" >&2
	printf -- '---\nreproduce with: %s\n' "$3" >&2
	exit 1
}

# run_logged WHAT LOG REPRO CMD...: run CMD with its output appended to LOG.
run_logged() {
	_what=$1 _log=$2 _repro=$3
	shift 3
	"$@" >>"$_log" 2>&1 || fail_with_log "$_what" "$_log" "$_repro"
}

# Git in build/linux, isolated from the user's configuration and with a fixed
# abbreviation length (by default it grows with the object count), so that
# patches apply and export byte for byte the same everywhere.
git_src() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -C "$SRC" \
		-c user.name="$DEV_NAME" -c user.email="$DEV_EMAIL" -c core.abbrev=12 "$@"
}

# The queue's fingerprint: what build/linux was last made from.
series_fingerprint() {
	(cd "$PATCHES" && cat series $(cat series) 2>/dev/null) | sha256sum | cut -d' ' -f1
}
SERIES_STAMP=$SRC/.git/harness-series

# The leading comment of a cell's fragment: what the cell is for.
cell_description() {
	awk '/^# [a-z0-9_]+:/ { next } /^# CONFIG_/ || !/^# / { exit }
		{ sub(/^# /, ""); printf "%s%s", sep, $0; sep = " " } END { print "" }' "$1"
}

use_kernel_tree "${KERNEL_TREE:-series}"

# new_against_base NAME WHAT: compare the normalized findings in
# $LOGS/NAME-base.txt and $LOGS/NAME-series.txt (sorted lines), say the
# counts for WHAT, list what only the series has (into $LOGS/NAME-new.txt)
# and return 1 when there is any.
new_against_base() {
	comm -13 "$LOGS/$1-base.txt" "$LOGS/$1-series.txt" >"$LOGS/$1-new.txt"
	say "$1: $2: base $(wc -l <"$LOGS/$1-base.txt"), series $(wc -l <"$LOGS/$1-series.txt"), new $(wc -l <"$LOGS/$1-new.txt")"
	sed 's/^/  new: /' "$LOGS/$1-new.txt"
	[ ! -s "$LOGS/$1-new.txt" ]
}
