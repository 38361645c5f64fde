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

total=$(git_src rev-list --count base..HEAD)
[ "$total" -gt 1 ] || { say "bisect: $total patches, nothing before HEAD to build"; exit 0; }
[ -z "$(git_src status --porcelain --untracked-files=no)" ] || die "build/linux has uncommitted changes"
branch=$(git_src symbolic-ref -q --short HEAD || git_src rev-parse HEAD)
trap 'git_src checkout -q "$branch"' EXIT
trap 'exit 1' INT TERM

# kvm-n and kvm-y first, as a pair: on a cold cache the other cells of
# their families (KVM off; KVM on) then find most objects in ccache, instead
# of two cells of one family compiling the same files side by side.
cells=$(ls "$TOP"/configs/*.config | xargs -n1 basename | sed -n 's/\.config$//p' | grep -v '^base-' |
	awk '{ print ($0 == "kvm-n" || $0 == "kvm-y" ? 0 : 1), $0 }' | sort -s -k1,1n | cut -d' ' -f2)
state=$BUILD/bisect
rm -rf "$state"
mkdir -p "$state"

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
	# tools/, Documentation/ and MAINTAINERS are never part of a kernel build.
	changes=$(git_src diff --name-status "$(cat "$state/$1.commit")" "$2" |
		grep -vE "^[A-Z0-9]+	((tools|Documentation)/|MAINTAINERS$)" || true)
	printf '%s\n' "$changes" | grep -qE '^[ADR]' && return 0
	files=$(printf '%s\n' "$changes" | cut -f2)
	printf '%s\n' "$files" | grep -qE '(^|/)(Kconfig[^/]*|Makefile[^/]*|Kbuild[^/]*)$' && return 0
	printf '%s\n' "$files" | sort | comm -12 - "$state/$1.inputs" | grep -q .
}

# timed_build CELL: build.sh --link-only CELL, its seconds in $state/CELL.secs.
timed_build() {
	t0=$(date +%s)
	"$TOP/scripts/build.sh" --link-only "$1" >/dev/null || return
	echo $(( $(date +%s) - t0 )) >"$state/$1.secs"
}

# build_all WHAT CELL...: build the checked out commit in each CELL, two
# at a time (much of an incremental build is serial: make's walk of the
# tree, the link, so one build leaves a core idle), and record what each
# build read and how long it took ($times: "CELL Ns ...").
build_all() {
	what=$1
	shift
	c=$(git_src rev-parse HEAD)
	cells_built="$*"
	while [ $# -gt 0 ]; do
		timed_build "$1" & first=$!
		second=
		[ $# -lt 2 ] || { timed_build "$2" & second=$!; }
		failed=
		wait "$first" || failed=$1
		[ -z "$second" ] || wait "$second" || failed="${failed:+$failed }$2"
		[ -z "$failed" ] || die "$what does not build in cell(s) $failed (logs: build/logs/build-CELL.log)"
		shift $(( $# < 2 ? 1 : 2 ))
	done
	times=
	for cell in $cells_built; do
		echo "$c" >"$state/$cell.commit"
		inputs "$cell" >"$state/$cell.inputs"
		times="$times $cell $(cat "$state/$cell.secs")s"
	done
}

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
