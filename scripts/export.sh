#!/bin/sh
# Regenerate patches/ (or the directory given) from build/linux base..HEAD:
# git format-patch output, a quilt series file and a cover letter whose
# subject and text come from cover-letter.txt. Same tree, same bytes.
set -eu
. "$(dirname "$0")/lib.sh"

dest=${1:-$PATCHES}
mkdir -p "$dest"
[ -z "$(git_src status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them (or stash them) first"

rm -f "$dest"/*.patch
n=$(git_src rev-list --count base..HEAD)
if [ "$n" -gt 0 ]; then
	# Commit hashes appear in the patches. Give every commit the committer
	# date that git am --committer-date-is-author-date gives it, so the
	# tree made from the patches has the very same commits.
	git_src rebase -q --committer-date-is-author-date base
	# The cover letter takes its text from the branch description and its
	# date from HEAD, not from the clock.
	branch=$(git_src symbolic-ref --short HEAD)
	GIT_COMMITTER_DATE=$(git_src log -1 --format=%cI HEAD) \
	git_src -c branch."$branch".description="$(cat "$TOP/cover-letter.txt")" \
		format-patch -q --no-signature --base=base --cover-letter \
		--cover-from-description=subject -o "$dest" base..HEAD
fi
(cd "$dest" && ls | grep -E '^[0-9]{4}-.*\.patch$' | grep -v '^0000-cover-letter' || true) \
	>"$dest/series"

# build/linux is now exactly what patches/ describes.
if [ "$dest" = "$PATCHES" ]; then
	printf '%s %s\n' "$(series_fingerprint)" "$(git_src rev-parse HEAD)" >"$SERIES_STAMP"
fi
say "export: $n patches in $dest"
