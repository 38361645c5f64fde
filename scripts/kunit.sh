#!/bin/sh
# kunit.sh: run the series' KUnit suites for s390 under QEMU with
# tools/testing/kunit/kunit.py. Prints "tap: P passed, F failed, S skipped".
#
# The suites are built into the kvm-y cell (configs/kvm-y.config), whose
# KUnit is off at boot, and "kunit.py exec" boots that kernel with
# kunit.enable=1 and parses its KTAP. Not "kunit.py run": its configure
# step starts from s390's default configuration, not our minimal base, and
# building that kernel cost a cold CI run 562 s for the same tests. Every
# option of each .kunitconfig the series adds must be set in the cell, so a
# suite cannot drop out unnoticed.
set -eu
. "$(dirname "$0")/lib.sh"

cell=kvm-y
configs=$(git_src diff --name-only --diff-filter=AM base..HEAD | grep '/\.kunitconfig$' || true)
[ -n "$configs" ] || { say "kunit: the series adds no .kunitconfig"; exit 1; }
"$TOP/scripts/build.sh" "$cell"
missing=$(for kc in $configs; do
	grep '^CONFIG_' "$SRC/$kc" | while read -r opt; do
		grep -qxF "$opt" "$OUT/$cell/.config" || echo "$opt ($kc)"
	done
done)
[ -z "$missing" ] || die "the $cell cell lacks KUnit options: $(echo $missing)"

log=$LOGS/kunit.log
status=0
(cd "$SRC" && python3 tools/testing/kunit/kunit.py exec --arch=s390 \
	--cross_compile="$S390_CROSS" --build_dir="$OUT/$cell" \
	$(for kc in $configs; do printf ' --kunitconfig=%s' "$kc"; done)) >"$log" 2>&1 || status=$?
summary=$(grep 'Testing complete. Ran' "$log" | tail -n 1 || true)
count() { printf '%s\n' "$summary" | sed -n "s/.*$1: \([0-9]*\).*/\1/p"; }
p=$(count passed) f=$(count failed) s=$(count skipped)
p=${p:-0} f=${f:-0} s=${s:-0}
say "kunit: $(echo $configs): ${summary:-no summary}"
[ "$status" -eq 0 ] && [ "$p" -gt 0 ] || { [ "$f" -gt 0 ] || f=1; }
[ "$f" -eq 0 ] || grep -E 'FAILED|ERROR|error:' "$log" | tail -n 15
say "tap: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
