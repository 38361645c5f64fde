#!/bin/sh
# patch-gates.sh GATE: one quality gate for each patch of the queue, a line
# per patch and "tap: P passed, F failed, S skipped" last. The gates:
#   messages    the subject has a subsystem prefix and at most 75 characters,
#               a body says why, the author and Signed-off-by are ours
#   kernel-doc  scripts/kernel-doc -none -Wall on the .c and .h files the
#               patch touches: no warning the file did not have before
#   warnings    W=1 and sparse (C=1) on the objects of the files the patch
#               touches, in the kvm-y cell (which carries the KUnit suites)
#               and in the kvm-n cell: no new warning. Counted
#               against the commit before, not against zero, because
#               bookworm's sparse has known false positives on unchanged code.
#   uapi        each patch that changes a uAPI header builds usr/ with
#               CONFIG_UAPI_HEADER_TEST (the x86_64 cell)
# "warnings" needs the kvm-y and kvm-n cells built at HEAD; "uapi" the x86_64 cell. Logs: build/logs/patch-gates/GATE/.
set -eu
. "$(dirname "$0")/lib.sh"

gate=${1:?usage: patch-gates.sh messages|kernel-doc|warnings|uapi}
glogs=$LOGS/patch-gates/$gate
rm -rf "$glogs"
mkdir -p "$glogs"
tip=$(git_src rev-parse HEAD)
commits=$(git_src rev-list --reverse "base..$tip")
total=$(echo $commits | wc -w)
passed=0 failed=0 skipped=0

pass() { passed=$((passed + 1)); say "ok $n - $gate: $subject${1:+: $1}"; }
fail() { failed=$((failed + 1)); say "not ok $n - $gate: $subject: $1"; }
skip() { skipped=$((skipped + 1)); say "ok $n - $gate: $subject # SKIP $1"; }
summary() {
	say "tap: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
touched() { git_src diff --name-only "$1~1" "$1"; }
# A patch reaches the kernel build unless it touches only these.
kernel_change() { touched "$1" | grep -qvE '^(tools|Documentation)/|^MAINTAINERS$'; }

checkout_each() {
	[ -z "$(git_src status --porcelain --untracked-files=no)" ] || die "build/linux has uncommitted changes"
	branch=$(git_src symbolic-ref -q --short HEAD || git_src rev-parse HEAD)
	trap 'git_src checkout -q "$branch"' EXIT
	trap 'exit 1' INT TERM
}

# normalize: "file: warning: text" from compiler, sparse and kernel-doc
# lines, the path made relative to the tree, the line numbers dropped.
normalize() {
	sed -E -n 's|^([^ ]*/)?linux/||; s|^([^ :]+):[0-9]+(:[0-9]+)?: *(warning\|error):|\1: \3:|p' |
		sort
}

gate_messages() {
	prefixes='vfio/pci|KVM: s390: pci|s390/pci|iommu/s390|iommufd|selftests: vfio|Documentation: s390|MAINTAINERS'
	sob="Signed-off-by: $DEV_NAME <$DEV_EMAIL>"
	n=0
	for c in $commits; do
		n=$((n + 1))
		subject=$(git_src log -1 --format=%s "$c")
		author=$(git_src log -1 --format='%an <%ae>' "$c")
		# The body: what is between the subject and the trailers.
		body_words=$(git_src log -1 --format=%b "$c" | grep -vE '^[A-Za-z-]+: ' | wc -w)
		problems=
		printf '%s\n' "$subject" | grep -qE "^($prefixes): [^ ]" ||
			problems="$problems; no subsystem prefix ($prefixes)"
		[ "${#subject}" -le 75 ] || problems="$problems; subject of ${#subject} characters (at most 75)"
		[ "$body_words" -ge 20 ] || problems="$problems; a body of $body_words words does not say why"
		git_src log -1 --format=%b "$c" | grep -qxF "$sob" || problems="$problems; no \"$sob\""
		[ "$author" = "$DEV_NAME <$DEV_EMAIL>" ] || problems="$problems; author is $author"
		if [ -z "$problems" ]; then pass "${#subject} characters, $body_words words"; else fail "${problems#; }"; fi
	done
}

# kernel-doc reads a file: give it each version under the file's own path.
kernel_doc_of() {
	dir=$glogs/src/$1
	rm -rf "$dir"
	mkdir -p "$dir/$(dirname "$2")"
	git_src show "$1:$2" >"$dir/$2" 2>/dev/null || return 0
	(cd "$dir" && perl "${KERNEL_DOC:-$SRC/scripts/kernel-doc}" -none -Wall "$2" 2>&1) | normalize
}

gate_kernel_doc() {
	n=0
	for c in $commits; do
		n=$((n + 1))
		subject=$(git_src log -1 --format=%s "$c")
		files=$(touched "$c" | grep -E '\.[ch]$' || true)
		[ -n "$files" ] || { skip "no .c or .h file"; continue; }
		new=0
		for f in $files; do
			git_src cat-file -e "$c:$f" 2>/dev/null || continue
			kernel_doc_of "$c~1" "$f" >"$glogs/before"
			kernel_doc_of "$c" "$f" >"$glogs/after"
			comm -13 "$glogs/before" "$glogs/after" >"$glogs/new"
			sed "s|^|  new: |" "$glogs/new"
			new=$((new + $(wc -l <"$glogs/new")))
		done
		if [ "$new" -eq 0 ]; then pass "$(echo $files | wc -w) files"; else fail "$new new kernel-doc warnings"; fi
	done
}

# The cells of the warnings gate: a name, and the build at HEAD whose
# configuration and objects it takes.
warn_cells="kvm-y:$OUT/kvm-y kvm-n:$OUT/kvm-n"

# objects_of COMMIT_INDEX CELL_BUILD: the objects patch COMMIT_INDEX touches
# that the cell builds: those of its .c files, or of every .c file of the
# series when it touches a header, a Makefile or a Kconfig.
objects_of() {
	[ "$1" -ge 1 ] && [ "$1" -le "$total" ] || return 0
	c=$(echo $commits | cut -d' ' -f"$1")
	files=$(touched "$c")
	if printf '%s\n' "$files" | grep -qE '\.h$|Makefile$|Kconfig$'; then
		files=$(git_src diff --name-only "base..$tip")
	fi
	printf '%s\n' "$files" | grep -E '^(arch|drivers)/.*\.c$' | sed 's/\.c$/.o/' |
		while read -r o; do if [ -e "$2/$o" ]; then echo "$o"; fi; done
}

# members OUT DIRS: the objects the configuration links in DIRS, as the
# last build there left them: the members of each built-in.a and the
# objects each module's .mod file names.
members() {
	(
		cd "$1" && shift
		for d in "$@"; do
			[ ! -f "$d/built-in.a" ] || "${S390_CROSS}ar" t "$d/built-in.a"
			find "$d" -maxdepth 1 -name '*.mod' -exec cat {} + | tr ' ' '\n'
		done
	) | grep '\.o$' | sort -u
}

# warnings_at INDEX: at the checked out commit INDEX (0 is the base), the
# W=1 and sparse warnings of the objects of patches INDEX and INDEX + 1 in
# each cell, one file per object in $glogs/CELL/INDEX/. The gate's build
# directory lives on from one commit to the next, so make compiles only the
# objects whose inputs changed; the others keep the warnings they had at the
# commit before ($glogs/CELL/last/). An object seen for the first time is
# compiled whatever its state.
warnings_at() {
	for wc in $warn_cells; do
		cell=${wc%%:*} head_build=${wc#*:}
		wanted=$( (objects_of "$1" "$head_build"; objects_of $(($1 + 1)) "$head_build") | sort -u)
		dir=$glogs/$cell/$1 last=$glogs/$cell/last
		mkdir -p "$dir" "$last"
		[ -n "$wanted" ] || continue
		out=$OUT/gate-$cell
		mkdir -p "$out"
		# HEAD's configuration, which make syncs to this commit's Kconfig.
		# Copied only when it differs, so an unchanged one costs no sync.
		cmp -s "$head_build/.config" "$out/.config" || cp "$head_build/.config" "$out/.config"
		for o in $wanted; do
			[ -e "$last/$(echo "$o" | tr / _)" ] || rm -f "$out/$o"
		done
		dirs=$(for o in $wanted; do dirname "$o"; done | sort -u)
		# Build the objects' directories, not the objects: kbuild compiles
		# an object named on the command line even where the configuration
		# leaves it out. Each object compiled has its warnings after its
		# own line (-Otarget); C=1 runs sparse on what is compiled. -k: an
		# object that fails does not hide others. A make that fails is
		# noted (make-failed) and fails the patches on either side of this
		# commit: a broken compiler or sparse prints no warning, so the
		# commits before and after would compare equal.
		make -C "$SRC" O="$out" ARCH=s390 CROSS_COMPILE="$S390_CROSS" -k -j"$JOBS" -Otarget \
			W=1 C=1 $(echo "$dirs" | sed 's|$|/|') >"$dir/make.log" 2>&1 || : >"$dir/make-failed"
		# Every object compiled here, wanted or not, has new warnings: a
		# later commit that wants it may find it up to date.
		sed -nE 's/^  CC( \[M\])? +([^ ]+\.o)$/\2/p' "$dir/make.log" | while read -r o; do
			f=$(echo "$o" | tr / _)
			awk -v src="${o%.o}.c" -v obj="$o" '
				/^  (CC|CC \[M\]|CHECK) / {
					f = $NF; sub(/^.*\/linux\//, "", f)
					cur = (f == src || f == obj)
				}
				cur && / (warning|error): /' "$dir/make.log" | normalize >"$last/$f"
			# An object that did not build counts as an error of its own.
			[ -e "$out/$o" ] || echo "$o: error: not built" >>"$last/$f"
		done
		linked=$(members "$out" $dirs)
		for o in $wanted; do
			f=$(echo "$o" | tr / _)
			# Not linked: not part of this configuration at this commit.
			if [ -e "$last/$f" ] && { printf '%s\n' "$linked" | grep -qxF "$o" ||
				grep -qE "^  CC( \[M\])? +$o\$" "$dir/make.log"; }; then
				cp "$last/$f" "$dir/$f"
			fi
		done
	done
}

gate_warnings() {
	for wc in $warn_cells; do
		[ -f "${wc#*:}/.config" ] || die "no build at ${wc#*:} (run scripts/build.sh kvm-y and kvm-n first)"
	done
	checkout_each
	i=0
	for c in $(git_src rev-parse base) $commits; do
		git_src checkout -q --detach "$c"
		warnings_at "$i"
		i=$((i + 1))
	done
	n=0
	for c in $commits; do
		n=$((n + 1))
		subject=$(git_src log -1 --format=%s "$c")
		kernel_change "$c" || { skip "no kernel change"; continue; }
		# make must have worked at the commit before and at this one.
		broken=
		for wc in $warn_cells; do
			for i in $((n - 1)) "$n"; do
				[ -e "$glogs/${wc%%:*}/$i/make-failed" ] || continue
				broken="$broken ${wc%%:*}/$i"
				tail -n 3 "$glogs/${wc%%:*}/$i/make.log" | sed "s|^|  ${wc%%:*}/$i make: |"
			done
		done
		if [ -n "$broken" ]; then
			fail "make failed (${broken# }: ${glogs#$TOP/}/CELL/N/make.log)"
			continue
		fi
		new=0 checked=0
		for wc in $warn_cells; do
			cell=${wc%%:*}
			for o in $(objects_of "$n" "${wc#*:}"); do
				f=$(echo "$o" | tr / _)
				after=$glogs/$cell/$n/$f before=$glogs/$cell/$((n - 1))/$f
				# Not built after the patch: nothing to compare.
				[ -e "$after" ] || continue
				[ -e "$before" ] || : >"$before"
				comm -13 "$before" "$after" | sed "s|^|  new in $cell: |"
				new=$((new + $(comm -13 "$before" "$after" | wc -l)))
				checked=$((checked + 1))
			done
		done
		if [ "$new" -eq 0 ]; then pass "$checked objects"; else fail "$new new W=1 or sparse warnings"; fi
	done
}

gate_uapi() {
	grep -q '^CONFIG_UAPI_HEADER_TEST=y' "$OUT/x86_64/.config" 2>/dev/null ||
		die "no x86_64 build with CONFIG_UAPI_HEADER_TEST (run scripts/build.sh x86_64 first)"
	checkout_each
	n=0
	for c in $commits; do
		n=$((n + 1))
		subject=$(git_src log -1 --format=%s "$c")
		headers=$(touched "$c" | grep '^include/uapi/' || true)
		[ -n "$headers" ] || { skip "no uAPI header"; continue; }
		git_src checkout -q --detach "$c"
		if make -C "$SRC" O="$OUT/x86_64" ARCH=x86_64 CC="ccache gcc" usr/ \
			>"$glogs/$n.log" 2>&1; then
			pass "$(echo $headers)"
		else
			tail -n 20 "$glogs/$n.log"
			fail "usr/ does not build (build/logs/patch-gates/uapi/$n.log)"
		fi
	done
}

case $gate in
messages) gate_messages ;;
kernel-doc) gate_kernel_doc ;;
warnings) gate_warnings ;;
uapi) gate_uapi ;;
*) die "unknown gate $gate" ;;
esac
summary
