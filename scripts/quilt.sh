#!/bin/sh
# quilt.sh: the queue is consumable without git: "quilt push -a" with
# patches/series applies every patch to the base, and the result is exactly
# the tree of build/linux (which tree.sh makes with git am).
set -eu
. "$(dirname "$0")/lib.sh"

wt=$BUILD/quilt
log=$LOGS/quilt.log
rm -rf "$wt"
git_src worktree prune
git_src worktree add -q --detach "$wt" base
trap 'rm -rf "$wt"; git_src worktree prune' EXIT
(cd "$wt" && QUILT_PATCHES="$PATCHES" QUILT_PC=.pc quilt push -a) >"$log" 2>&1 ||
	fail_with_log "quilt push -a" "$log" "scripts/quilt.sh"
say "quilt: $(grep -c '^Applying patch' "$log") of $(grep -vc '^#' "$PATCHES/series") patches applied"
git -C "$wt" add -A .
if ! git -C "$wt" diff --cached --quiet "$(git_src rev-parse HEAD)" -- . ':!.pc'; then
	git -C "$wt" diff --cached --stat "$(git_src rev-parse HEAD)" -- . ':!.pc'
	die "quilt's tree differs from build/linux (above)"
fi
say "quilt: the tree equals build/linux at $(git_src rev-parse --short HEAD)"
