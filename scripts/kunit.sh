#!/bin/sh
# kunit.sh: run the series' KUnit suites for s390 under QEMU with
# tools/testing/kunit/kunit.py, one run per .kunitconfig the series adds
# (only our suites: some default 6.12 suites fail under QEMU 7.2 on their
# own). Prints "tap: P passed, F failed, S skipped" over all runs.
set -eu
. "$(dirname "$0")/lib.sh"

configs=$(git_src diff --name-only --diff-filter=AM base..HEAD | grep '/\.kunitconfig$' || true)
passed=0 failed=0 skipped=0
# kunit.py makes its build directory with mkdir, not mkdir -p.
mkdir -p "$BUILD/kunit"
for kc in $configs; do
	name=$(dirname "$kc" | tr / -)
	log=$LOGS/kunit-$name.log
	status=0
	(cd "$SRC" && python3 tools/testing/kunit/kunit.py run --arch=s390 \
		--cross_compile="$S390_CROSS" --build_dir="$BUILD/kunit/$name" \
		--jobs="$JOBS" --kunitconfig="$kc" \
		--make_options CC="ccache ${S390_CROSS}gcc") >"$log" 2>&1 || status=$?
	summary=$(grep 'Testing complete. Ran' "$log" | tail -n 1 || true)
	count() { printf '%s\n' "$summary" | sed -n "s/.*$1: \([0-9]*\).*/\1/p"; }
	p=$(count passed) f=$(count failed) s=$(count skipped)
	p=${p:-0} f=${f:-0} s=${s:-0}
	say "kunit: $kc: ${summary:-no summary}"
	[ "$status" -eq 0 ] && [ "$p" -gt 0 ] || { [ "$f" -gt 0 ] || f=1; }
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	[ "$f" -eq 0 ] || grep -E 'FAILED|ERROR|error:' "$log" | tail -n 15
done
say "tap: $passed passed, $failed failed, $skipped skipped"
[ -n "$configs" ] || say "kunit: the series adds no .kunitconfig"
[ "$failed" -eq 0 ]
