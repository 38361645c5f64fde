#!/bin/sh
# checkpatch.sh: every patch of the queue passes the kernel's
# checkpatch.pl --strict --codespell with no error, warning or check.
set -eu
. "$(dirname "$0")/lib.sh"

# Debian ships codespell's dictionary inside its Python package, not where
# checkpatch looks by default; without it checkpatch skips spelling quietly.
dict=$(dpkg -L codespell 2>/dev/null | grep '/codespell_lib/data/dictionary\.txt$' | head -n 1)
[ -n "$dict" ] && [ -f "$dict" ] || die "codespell dictionary not found: make deps"

# build/linux has no history, so checkpatch cannot look up the commits a
# patch names (UNKNOWN_COMMIT_ID); the Fixes: tags are checked below
# against tests/upstream-commits.txt instead.
# One checkpatch per patch, $JOBS at a time (each is a single-threaded
# Perl run); the results are read back in series order.
results=$LOGS/checkpatch
rm -rf "$results"
mkdir -p "$results"
export SRC PATCHES dict results
# /usr/bin first: checkpatch's SPDX check needs Debian's python3 modules.
# Each run's exit status goes next to its output ($results/PATCH.status).
# checkpatch.pl is our tree's own (the harness's tests put a stand-in there).
xargs -P "$JOBS" -I{} sh -c 'cd "$SRC" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict \
	--ignore UNKNOWN_COMMIT_ID --codespell --codespellfile "$dict" --terse --show-types "$PATCHES/$1" >"$results/$1.out" 2>&1
	echo $? >"$results/$1.status"' sh {} \
	<"$PATCHES/series" || true
bad=0
for p in $(cat "$PATCHES/series"); do
	if [ -f "$results/$p.status" ]; then
		out=$(grep -E 'ERROR|WARNING|CHECK|Traceback|rror:' "$results/$p.out" || true)
		status=$(cat "$results/$p.status")
		# checkpatch.pl exits 0 only when it found nothing: a crash (Perl
		# dies, status 255) prints none of the words above, so without its
		# status it would read as clean.
		if [ "$status" -ne 0 ] && [ -z "$out" ]; then
			out=$(printf '%s: checkpatch.pl exited with status %s and reported no error, warning or check:\n' "$p" "$status"
				tail -n 5 "$results/$p.out" | sed 's/^/  /')
		fi
	else
		out="$p: checkpatch did not run"
	fi
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		bad=1
	else
		say "checkpatch: $p: clean"
	fi
done
# Every Fixes: tag names a commit of the list, by a 12-digit prefix of its
# id and its exact subject.
known=$TOP/tests/upstream-commits.txt
for p in $(cat "$PATCHES/series"); do
	sed -n 's/^Fixes: \([0-9a-f]*\) ("\(.*\)")$/\1 \2/p; /^Fixes:/{/^Fixes: [0-9a-f]\{12\} (".*")$/!s/^/BAD /p}' \
		"$PATCHES/$p" | while read -r id subject; do
		if [ "$id" = BAD ] || [ ${#id} -ne 12 ] ||
			! awk -v id="$id" -v subject="$subject" '!/^#/ && index($1, id) == 1 &&
				substr($0, length($1) + 2) == subject { found = 1 }
				END { exit !found }' "$known"; then
			printf '%s: Fixes: %s %s: not 12 digits and the subject of a commit in %s\n' \
				"$p" "$id" "$subject" "${known#$TOP/}"
			exit 1
		fi
		say "checkpatch: $p: Fixes: $id (\"$subject\") is in ${known#$TOP/}"
	done || bad=1
done
[ "$bad" -eq 0 ] || die "checkpatch --strict found problems (above)"
