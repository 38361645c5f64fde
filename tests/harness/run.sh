#!/bin/sh
# The harness's own tests, printed as TAP. Each shows a part of the harness
# failing when it must: the TAP reader, the Kconfig check, the patch queue
# round trip, three per-patch gates, the posting mbox, checks whose tool
# crashed or found nothing (checkpatch, warnings, bisect, show, check.sh)
# and the guest runner.
# The guest checks boot the default cell, so build it first (make build).
# HARNESS_ONLY=REGEX runs only the test points whose description matches it
# (grep -E), e.g. HARNESS_ONLY='tap reader|scratch' to work on the cheap
# checks without building or booting a kernel; the others are left out of
# the plan, not reported as passed.
set -u
# check.sh runs this file as a step, and a check below runs check.sh: the
# inner run must not start it again (HARNESS_NESTED), whatever steps that
# check.sh takes.
if [ -n "${HARNESS_NESTED:-}" ]; then
	echo "1..0 # SKIP run by check.sh from the harness's own tests"
	exit 0
fi
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/harness
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0

# t DESCRIPTION CMD...: one test point, passing when CMD succeeds.
t() {
	desc=$1
	shift
	if [ -n "${HARNESS_ONLY:-}" ] && ! printf '%s\n' "$desc" | grep -qE -- "$HARNESS_ONLY"; then
		return 0
	fi
	n=$((n + 1))
	if "$@" >"$scratch/out" 2>&1; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		sed 's/^/# /' "$scratch/out" | tail -n 15
	fi
}
# fails_with TEXT CMD...: CMD must fail and say TEXT.
fails_with() {
	text=$1
	shift
	! "$@" >"$scratch/cmd" 2>&1 && grep -qF -- "$text" "$scratch/cmd" ||
		{ cat "$scratch/cmd"; return 1; }
}
tap() { awk -f "$TOP/scripts/tap.awk" "$1"; }

echo "TAP version 13"

for f in "$HERE"/tap/good-*.tap; do
	t "tap reader accepts $(basename "$f")" tap "$f"
done
# rejects FIXTURE: the TAP reader rejects FIXTURE for the reason its
# "# rejected: " line names, so that a fixture with a second defect cannot
# pass for the wrong one.
rejects() {
	reason=$(sed -n 's/^# rejected: //p' "$1")
	[ -n "$reason" ] || { echo "$1 has no \"# rejected:\" line"; return 1; }
	fails_with "$reason" tap "$1"
}
for f in "$HERE"/tap/bad-*.tap; do
	t "tap reader rejects $(basename "$f")" rejects "$f"
done

t "matrix check fails when a requested symbol is dropped" \
	fails_with "CONFIG_KVM (requested y, got n)" \
	"$TOP/scripts/build.sh" --config-only "$HERE/dropped-symbol.config"
t "matrix check fails when an optional symbol the tree defines is dropped" \
	fails_with "CONFIG_KVM (requested y, got n)" \
	"$TOP/scripts/build.sh" --config-only "$HERE/optional-present.config"
t "matrix check leaves out an optional symbol the tree does not define" \
	"$TOP/scripts/build.sh" --config-only "$HERE/optional-absent.config"

# The patch queue machinery on a small scratch tree instead of build/linux.
export HARNESS_BUILD="$scratch/build" HARNESS_PATCHES="$scratch/patches"
. "$TOP/base.conf"
src=$HARNESS_BUILD/linux
g() { git -C "$src" -c user.name="zPCI VFIO Developers" -c user.email=zpci-vfio@example.org "$@"; }
mkdir -p "$src" "$HARNESS_PATCHES"
# The tarball's checksum, so that scripts/tree.sh takes a scratch tree for
# an unpacked base.
base_sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
echo "$base_sum" >"$HARNESS_BUILD/base.sha256"
printf 'line %s\n' 1 2 3 4 5 6 7 8 >"$src/file"
g init -q && g add file && g commit -qm base && g tag base
sed -i 's/line 2/line two/' "$src/file" && g commit -qam "demo: first change" -m "Why: a test."
echo new >"$src/new" && sed -i 's/line 7/line seven/' "$src/file" && g add new &&
	g commit -qam "demo: second change" -m "Why: a test."
head=$(g rev-parse HEAD)

roundtrip() {
	"$TOP/scripts/export.sh" >/dev/null &&
	[ "$(cat "$HARNESS_PATCHES/series" | wc -l)" -eq 2 ] &&
	[ -f "$HARNESS_PATCHES/0000-cover-letter.patch" ] &&
	rm "$src/.git/harness-series" &&
	FORCE=1 "$TOP/scripts/tree.sh" >/dev/null &&
	[ "$(g rev-parse HEAD)" = "$head" ] &&
	"$TOP/scripts/export.sh" "$scratch/again" >/dev/null &&
	diff -r "$HARNESS_PATCHES" "$scratch/again"
}
t "export, tree from the patches and export again: same commits, same bytes" roundtrip

g commit -q --allow-empty -m "demo: not exported"
t "tree refuses to drop commits that are not in patches/" \
	fails_with "has commits that are not in patches/" "$TOP/scripts/tree.sh"

# (The export above made the scratch queue, unless HARNESS_ONLY skipped it.)
second=
if [ -f "$HARNESS_PATCHES/series" ]; then
	second=$(sed -n 2p "$HARNESS_PATCHES/series")
	sed -i 's/^ line 6$/ line six/' "$HARNESS_PATCHES/$second"
fi
t "tree names the first patch that does not apply" \
	fails_with "first patch that does not apply: patches/$second" \
	env FORCE=1 "$TOP/scripts/tree.sh"

# The per-patch gates on the scratch queue: its subjects have no subsystem
# prefix, and a patch that adds a kernel-doc comment with a misnamed
# parameter must be named.
t "messages gate fails a subject without subsystem prefix" \
	fails_with "not ok 1 - messages: demo: first change: no subsystem prefix" \
	"$TOP/scripts/patch-gates.sh" messages
printf '/**\n * f() - a function\n * @y: a parameter\n */\nint f(int x);\n' >"$src/f.c"
g add f.c && g commit -qm "vfio/pci: add f"
t "kernel-doc gate fails a new kernel-doc warning" \
	fails_with "kernel-doc: vfio/pci: add f: 3 new kernel-doc warnings" \
	env KERNEL_DOC="$TOP/build/linux/scripts/kernel-doc" "$TOP/scripts/patch-gates.sh" kernel-doc
unset HARNESS_BUILD HARNESS_PATCHES

# Checks that must fail when their tool did not do its job, on a scratch
# tree shaped like a kernel's (a Makefile and a .c file under drivers/) with
# stand-ins for the tools: the tree's own scripts/checkpatch.pl, and make
# (tests/harness/fake-make/make, first in PATH; FAKE_MAKE=broken makes its
# W=1 builds fail).
export HARNESS_BUILD="$scratch/k" HARNESS_PATCHES="$scratch/k/patches"
src=$HARNESS_BUILD/linux
mkdir -p "$src/drivers/demo" "$src/scripts" "$HARNESS_PATCHES"
echo "$base_sum" >"$HARNESS_BUILD/base.sha256"
echo 'obj-y += f.o' >"$src/drivers/demo/Makefile"
echo 'int f;' >"$src/drivers/demo/f.c"
g init -q && g add drivers && g commit -qm base && g tag base
echo 'int f = 1;' >"$src/drivers/demo/f.c"
g commit -qam "vfio/pci: set f" -m "Why: a test."
g format-patch -q -o "$HARNESS_PATCHES" base
(cd "$HARNESS_PATCHES" && ls 0*.patch) >"$HARNESS_PATCHES/series"
fake_make="$HERE/fake-make:$PATH"

# A Perl crash prints none of the words checkpatch.pl reports problems with.
printf '%s\n' '#!/usr/bin/perl' \
	'print STDERR "Undefined subroutine &main::process called at ./scripts/checkpatch.pl line 3.\n";' \
	'exit 255;' >"$src/scripts/checkpatch.pl"
chmod +x "$src/scripts/checkpatch.pl"
t "checkpatch fails when checkpatch.pl crashes (scratch)" \
	fails_with "checkpatch.pl exited with status 255" "$TOP/scripts/checkpatch.sh"
printf '%s\n' '#!/bin/sh' 'exit 0' >"$src/scripts/checkpatch.pl"
t "checkpatch passes what checkpatch.pl finds clean (scratch)" "$TOP/scripts/checkpatch.sh"

# make failing on the base and on the series alike (a broken sparse or
# compiler) leaves both without warnings: that must fail, not compare equal.
t "warnings fails when make fails on the base and the series (scratch)" \
	fails_with "make W=1 C=2 failed" \
	env PATH="$fake_make" FAKE_MAKE=broken "$TOP/scripts/warnings.sh" kvm-n
t "warnings passes when make succeeds with no warning (scratch)" \
	env PATH="$fake_make" "$TOP/scripts/warnings.sh" kvm-n
for cell in kvm-y kvm-n; do
	mkdir -p "$HARNESS_BUILD/out/$cell/drivers/demo"
	: >"$HARNESS_BUILD/out/$cell/.config"
	: >"$HARNESS_BUILD/out/$cell/drivers/demo/f.o"
done
t "warnings gate fails when make fails before and after a patch (scratch)" \
	fails_with "not ok 1 - warnings: vfio/pci: set f: make failed" \
	env PATH="$fake_make" FAKE_MAKE=broken "$TOP/scripts/patch-gates.sh" warnings
t "warnings gate passes when make succeeds with no warning (scratch)" \
	env PATH="$fake_make" "$TOP/scripts/patch-gates.sh" warnings

# bisect's cell skipping, from a last build at the base whose input list is
# empty (.cmd files not found), names another file, or names the changed one.
mkdir -p "$HARNESS_BUILD/bisect"
g rev-parse base >"$HARNESS_BUILD/bisect/kvm-n.commit"
head=$(g rev-parse HEAD)
: >"$HARNESS_BUILD/bisect/kvm-n.inputs"
t "bisect builds a cell whose input list is empty (scratch)" \
	"$TOP/scripts/bisect.sh" --affects kvm-n "$head"
echo drivers/demo/other.c >"$HARNESS_BUILD/bisect/kvm-n.inputs"
t "bisect skips a cell none of whose inputs changed (scratch)" \
	fails_with "kvm-n: unchanged" "$TOP/scripts/bisect.sh" --affects kvm-n "$head"
echo drivers/demo/f.c >"$HARNESS_BUILD/bisect/kvm-n.inputs"
t "bisect builds a cell one of whose inputs changed (scratch)" \
	"$TOP/scripts/bisect.sh" --affects kvm-n "$head"

# show's verdict on reports made without booting.
verdict_of() { printf '%b' "$1" | "$TOP/scripts/show.sh" --verdict kvm-n; }
t "show fails when no zPCI function reports capabilities (scratch)" \
	fails_with "0 of 2 zPCI functions" verdict_of \
	'verdict: 0005:00:00.0: no zPCI capabilities\nverdict: 0007:00:00.0: no zPCI capabilities\n'
t "show fails when the guest found no zPCI function (scratch)" \
	fails_with "0 of 0 zPCI functions" verdict_of ''
t "show passes when every zPCI function reports capabilities (scratch)" \
	verdict_of 'verdict: 0005:00:00.0: zPCI capabilities: base v2\nverdict: 0007:00:00.0: zPCI capabilities: base v2\n'

# check.sh stops when tree-roundtrip fails (here: build/linux has a commit
# patches/ does not record), before checkpatch, the next step.
roundtrip_stops() {
	! HARNESS_NESTED=1 CHECK_STEPS="tree-roundtrip checkpatch" \
		timeout 300 "$TOP/scripts/check.sh" >"$scratch/check" 2>&1 &&
		grep -q '^FAIL tree-roundtrip' "$scratch/check" &&
		! grep -qE '^(PASS|FAIL) checkpatch' "$scratch/check" &&
		[ "$(tail -n 1 "$scratch/check")" = "0 passed, 1 failed, 0 skipped" ] ||
		{ cat "$scratch/check"; return 1; }
}
t "check stops after tree-roundtrip fails (scratch)" roundtrip_stops
unset HARNESS_BUILD HARNESS_PATCHES

# check.sh --list names the steps and what each needs, and runs nothing;
# --only runs the steps named with the steps they need, in check's order.
only_lists() {
	want=$1
	shift
	"$TOP/scripts/check.sh" --list "$@" >"$scratch/list" 2>&1 &&
		[ "$(awk '{ print $1 }' "$scratch/list" | paste -sd' ' -)" = "$want" ] ||
		{ cat "$scratch/list"; return 1; }
}
t "check --list names every step with what it needs (scratch)" \
	sh -c "'$TOP/scripts/check.sh' --list | grep -q '^guest-kvm-y  *needs: build-kvm-y  *reproduce: make guest CELL=kvm-y$'"
t "check --only takes the steps a step needs (scratch)" \
	only_lists "build-kvm-n build-kvm-y guest-kvm-y patch-warnings" --only "guest-kvm-y patch-warnings"
t "check --only refuses a step that does not exist (scratch)" \
	fails_with "no step guest-nosuch" "$TOP/scripts/check.sh" --list --only guest-nosuch

# mbox: the poster's identity replaces the queue's, and git am on the base
# gives the series' tree; the placeholder identity is refused.
mbox_applies() {
	MBOX_NAME="Jane Doe" MBOX_EMAIL=jane@linux.ibm.com \
		"$TOP/scripts/mbox.sh" "$scratch/mbox" || return 1
	! grep -l "zpci-vfio@example.org" "$scratch/mbox"/*.patch || return 1
	git -C "$TOP/build/linux" worktree add -q --detach "$scratch/am" base || return 1
	ok=0
	git -C "$scratch/am" -c user.name=am -c user.email=am@localhost am -q "$scratch/mbox/series.mbox" &&
		[ "$(git -C "$scratch/am" log --format='%an <%ae>' base.. | sort -u)" = "Jane Doe <jane@linux.ibm.com>" ] &&
		[ "$(git -C "$scratch/am" log --format=%B base.. | grep -c '^Signed-off-by: Jane Doe <jane@linux.ibm.com>$')" = \
			"$(git -C "$TOP/build/linux" rev-list --count base..HEAD)" ] &&
		git -C "$scratch/am" diff --quiet HEAD "$(git -C "$TOP/build/linux" rev-parse HEAD)" || ok=1
	git -C "$TOP/build/linux" worktree remove --force "$scratch/am"
	return $ok
}
t "mbox gives the poster's identity and applies with git am on the base" mbox_applies
t "mbox refuses the queue's placeholder identity" \
	fails_with "refusing the placeholder identity" \
	env MBOX_NAME="zPCI VFIO Developers" MBOX_EMAIL=zpci-vfio@example.org \
	"$TOP/scripts/mbox.sh" "$scratch/mbox-refused"

t "guest runner fails on a kernel panic" \
	fails_with "Kernel panic" "$TOP/scripts/guest.sh" --mode exit kvm-n
t "guest runner fails on a timeout" \
	fails_with "timeout: no power-off within 20s" "$TOP/scripts/guest.sh" --mode hang --timeout 20 kvm-n
t "guest runner passes the default cell" "$TOP/scripts/guest.sh" kvm-n
echo "1..$n"
