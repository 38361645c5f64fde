#!/bin/sh
# checkpatch.sh: every patch of the queue passes the kernel's
# checkpatch.pl --strict --codespell with no error, warning or check.
set -eu
. "$(dirname "$0")/lib.sh"

# Debian ships codespell's dictionary inside its Python package, not where
# checkpatch looks by default; without it checkpatch skips spelling quietly.
dict=$(dpkg -L codespell 2>/dev/null | grep '/codespell_lib/data/dictionary\.txt$' | head -n 1)
[ -n "$dict" ] && [ -f "$dict" ] || die "codespell dictionary not found: make deps"

bad=0
for p in $(cat "$PATCHES/series"); do
	# /usr/bin first: checkpatch's SPDX check needs Debian's python3 modules.
	out=$(cd "$SRC" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --codespell --codespellfile "$dict" --terse \
		--show-types "$PATCHES/$p" 2>&1 | grep -E 'ERROR|WARNING|CHECK|Traceback|rror:' || true)
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		bad=1
	else
		say "checkpatch: $p: clean"
	fi
done
[ "$bad" -eq 0 ] || die "checkpatch --strict found problems (above)"
