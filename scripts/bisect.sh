#!/bin/sh
# bisect.sh: every patch of the queue builds and links in every cell, so the
# series stays bisectable. HEAD is built by check.sh's build steps; this
# builds each earlier commit whose change reaches the kernel build (a patch
# that only touches tools/, Documentation/ or MAINTAINERS cannot break it).
#
# The first such commit is built in every cell. A later one is built in a
# cell only if something changed since that cell's last build (here) among
# its inputs: the sources and headers its .cmd files list, any Kconfig,
# Makefile or Kbuild file, and any file added, deleted or renamed (a new
# header can shadow another on the include path). Otherwise make would
# rebuild and relink nothing there either; skipping saves its walk of the
# tree. The builds reuse build/out, so each step is incremental, and stop
# at vmlinux and the modules (build.sh --link-only): the boot image and the
# module install add nothing to "compiles and links", and HEAD's full build
# is check.sh's.
set -eu
. "$(dirname "$0")/lib.sh"

state=$BUILD/bisect

# inputs CELL: the tree's files the cell's last build read, one per line,
# from the .cmd files kbuild keeps for each target. Of the objects, only
# those the kernel links (the members of vmlinux.a and the lib.a archives,
# the modules' parts) and those under arch/ (boot image, vDSO): a cell
# seeded from a sibling keeps the sibling's objects of directories its own
# configuration never enters, which must not make it build for them.
inputs() {
	(
		cd "$OUT/$1"
		rel=$(realpath --relative-to=. "$SRC")
		if [ -f vmlinux.a ]; then
			{
				find . -name '*.a' -path '*lib.a' -o -name vmlinux.a | while read -r a; do
					"${S390_CROSS}ar" t "$a"
				done
				[ ! -f modules.order ] || while read -r m; do
					if [ -f "${m%.o}.mod" ]; then tr ' ' '\n' <"${m%.o}.mod"; else echo "$m"; fi
				done <modules.order
			} | sed 's|^\./||' | grep '\.o$' | sort -u | sed -E 's|^(.*/)?([^/]+)$|\1.\2.cmd|'
			find arch -name '.*.o.cmd'
			find . -name '.*.cmd' ! -name '.*.o.cmd'
		else
			find . -name '.*.cmd'
		fi | xargs cat 2>/dev/null | grep -o "$rel/[^ )]*" | sed "s|^$rel/||" | sort -u
	)
}

# affects CELL COMMIT: whether COMMIT can change what CELL builds.
affects() {
	[ -f "$state/$1.commit" ] || return 0
	# No input list (no .cmd file found or read) would skip the cell for
	# every change, a real one included: build it instead.
	[ -s "$state/$1.inputs" ] || return 0
	# tools/, Documentation/ and MAINTAINERS are never part of a kernel build.
	changes=$(git_src diff --name-status "$(cat "$state/$1.commit")" "$2" |
		grep -vE "^[A-Z0-9]+	((tools|Documentation)/|MAINTAINERS$)" || true)
	printf '%s\n' "$changes" | grep -qE '^[ADR]' && return 0
	files=$(printf '%s\n' "$changes" | cut -f2)
	printf '%s\n' "$files" | grep -qE '(^|/)(Kconfig[^/]*|Makefile[^/]*|Kbuild[^/]*)$' && return 0
	printf '%s\n' "$files" | sort | comm -12 - "$state/$1.inputs" | grep -q .
}

# build_all WHAT CELL...: build the checked out commit in each CELL, two
# builds at a time, each slot taking the next cell as soon as its build
# ends (much of an incremental build is serial, make's walk of the tree
# and the link, so one build alone leaves a core idle; and cells differ
# in cost). Record what each build read and how long it took ($times:
# "CELL Ns ...").
build_all() {
	what=$1
	shift
	c=$(git_src rev-parse HEAD)
	rm -f "$state"/*.failed
	printf '%s\n' "$@" | xargs -P 2 -n 1 sh -c '
		t0=$(date +%s)
		if "$1" --link-only "$3" >/dev/null; then
			echo $(( $(date +%s) - t0 )) >"$2/$3.secs"
		else
			: >"$2/$3.failed"
		fi' sh "$TOP/scripts/build.sh" "$state"
	failed=$(cd "$state" && ls -- *.failed 2>/dev/null | sed 's/\.failed$//' | tr '\n' ' ')
	[ -z "$failed" ] || die "$what does not build in cell(s) ${failed% } (logs: build/logs/build-CELL.log)"
	times=
	for cell in "$@"; do
		echo "$c" >"$state/$cell.commit"
		inputs "$cell" >"$state/$cell.inputs"
		[ -s "$state/$cell.inputs" ] ||
			warn "$cell: no inputs in the .cmd files of its build: it is built for every later patch"
		times="$times $cell $(cat "$state/$cell.secs")s"
	done
}

# bisect.sh --affects CELL COMMIT: only say whether COMMIT can change what
# CELL builds, from what the last run left in build/bisect: "changed"
# (exit 0) or "unchanged" (exit 1). The harness's own tests check the
# decision this way, without building a kernel.
if [ "${1:-}" = --affects ]; then
	[ $# -eq 3 ] || die "usage: bisect.sh [--affects CELL COMMIT]"
	if affects "$2" "$3"; then say "bisect: $2: changed"; exit 0; fi
	say "bisect: $2: unchanged"
	exit 1
fi

total=$(git_src rev-list --count base..HEAD)
[ "$total" -gt 1 ] || { say "bisect: $total patches, nothing before HEAD to build"; exit 0; }
[ -z "$(git_src status --porcelain --untracked-files=no)" ] || die "build/linux has uncommitted changes"
branch=$(git_src symbolic-ref -q --short HEAD || git_src rev-parse HEAD)
trap 'git_src checkout -q "$branch"' EXIT
trap 'exit 1' INT TERM

# The build order. kvm-n and kvm-y first: on a cold cache the other cells
# of their families (KVM off; KVM on) then find most objects in ccache.
# Then the cells that share objects with one another (kvm-m and
# kvm-m-vfio-m: KVM as a module) are kept apart, so that the second finds
# the first's objects in ccache instead of compiling the same files at the
# same time; x86_64, small, last.
order="kvm-n kvm-y kvm-m no-pci kvm-n-vfio-m kvm-m-vfio-m x86_64"
cells=$(ls "$TOP"/configs/*.config | xargs -n1 basename | sed -n 's/\.config$//p' | grep -v '^base-' |
	awk -v order="$order" 'BEGIN { n = split(order, o, " "); for (i = 1; i <= n; i++) rank[o[i]] = i }
		{ print ($0 in rank ? rank[$0] : 99), $0 }' | sort -s -k1,1n | cut -d' ' -f2)
rm -rf "$state"
mkdir -p "$state"

# The unpatched base first, in kvm-n and kvm-y: on a cold cache their
# first build is then the base's, which leaves the base's objects in ccache
# under the same relative paths and configuration as base-check.sh's base
# kernels, so those are cache hits. The series' first patch is then one
# incremental step on top.
earlier=$(git_src rev-list --reverse base..HEAD~1)
git_src checkout -q --detach base
started=$(date +%s)
build_all "the base" kvm-n kvm-y
say "bisect: base: built in kvm-n kvm-y ($(( $(date +%s) - started ))s:$times)"

n=0
for c in $earlier; do
	n=$((n + 1))
	subject=$(git_src log -1 --format=%s "$c")
	if ! git_src diff --name-only "$c~1" "$c" | grep -qvE '^(tools|Documentation)/|^MAINTAINERS$'; then
		say "bisect: patch $n/$total \"$subject\": no kernel change, not built"
		continue
	fi
	git_src checkout -q --detach "$c"
	started=$(date +%s)
	todo= skipped=
	for cell in $cells; do
		if affects "$cell" "$c"; then todo="$todo $cell"; else skipped="$skipped $cell"; fi
	done
	build_all "patch $n/$total \"$subject\"" $todo
	say "bisect: patch $n/$total \"$subject\": built in$todo${skipped:+; unchanged in$skipped} ($(( $(date +%s) - started ))s:$times)"
done
