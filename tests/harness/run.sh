#!/bin/sh
# The harness's own tests, printed as TAP. Each shows a part of the harness
# failing when it must: the TAP reader, the Kconfig check, the patch queue
# round trip, two per-patch gates, the posting mbox and the guest runner.
# The guest checks boot the default cell, so build it first (make build).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/tests/harness
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
n=0

# t DESCRIPTION CMD...: one test point, passing when CMD succeeds.
t() {
	desc=$1
	shift
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
for f in "$HERE"/tap/bad-*.tap; do
	t "tap reader rejects $(basename "$f")" fails_with "" tap "$f"
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
sha256sum "$BASE_TARBALL" | cut -d' ' -f1 >"$HARNESS_BUILD/base.sha256"
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

second=$(sed -n 2p "$HARNESS_PATCHES/series")
sed -i 's/^ line 6$/ line six/' "$HARNESS_PATCHES/$second"
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
