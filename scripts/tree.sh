#!/bin/sh
# build/linux = the pinned base (tag "base") + one commit per patch of
# patches/series, applied with git am (no fuzz). The base is unpacked once and
# again only when the tarball's checksum changes.
set -eu
. "$(dirname "$0")/lib.sh"

loud() {
	printf '%s\n' \
		'**********************************************************************' \
		"* WARNING: $*" \
		'**********************************************************************' >&2
}

make_base() {
	say "tree: unpacking $BASE_TARBALL into build/linux (about a minute)"
	[ "$sum" = "$BASE_SHA256" ] ||
		loud "$BASE_TARBALL has sha256 $sum, not the pinned $BASE_SHA256 ($BASE_VERSION, base.conf); going on with it"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	tar -xJf "$BASE_TARBALL" -C "$SRC" --strip-components=1
	# Debian's tarball ends its .gitignore with "ignore everything at the
	# top level" and lacks upstream's list of dot-files that are not
	# ignored; in a git tree both hide new files (a selftest's .gitignore,
	# a .kunitconfig) from the series. The series never touches .gitignore.
	perl -0pi -e 's/#\n# Debian packaging:.*\z//s' "$SRC/.gitignore"
	printf '%s\n' '#' '# Dot-files that are not ignored (as upstream)' '#' \
		'!.clang-format' '!.clippy.toml' '!.cocciconfig' '!.editorconfig' \
		'!.get_maintainer.ignore' '!.gitattributes' '!.gitignore' \
		'!.kunitconfig' '!.mailmap' '!.rustfmt.toml' >>"$SRC/.gitignore"
	git_src init -q -b master
	git_src config user.name "$DEV_NAME"
	git_src config user.email "$DEV_EMAIL"
	git_src add -f -A .
	GIT_AUTHOR_NAME="Debian $BASE_PACKAGE" GIT_AUTHOR_EMAIL="base@example.org" \
	GIT_COMMITTER_NAME="Debian $BASE_PACKAGE" GIT_COMMITTER_EMAIL="base@example.org" \
	GIT_AUTHOR_DATE="$BASE_DATE" GIT_COMMITTER_DATE="$BASE_DATE" \
		git_src commit -q -m "Base: Debian $BASE_PACKAGE $BASE_VERSION" \
			-m "Unpacked from $BASE_TARBALL (sha256 $sum).
.gitignore: without Debian's last stanza, which ignores every top-level
file, and with upstream's list of dot-files that are not ignored."
	git_src tag base
	printf '%s\n' "$sum" >"$BUILD/base.sha256"
}

[ -r "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: run make deps"
sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
if [ ! -d "$SRC/.git" ] || [ "$(cat "$BUILD/base.sha256" 2>/dev/null)" != "$sum" ] ||
	! git_src rev-parse -q --verify refs/tags/base >/dev/null; then
	make_base
fi

want=$(series_fingerprint)
head=$(git_src rev-parse HEAD)
had_fp= had_head=$(git_src rev-parse base)
[ ! -f "$SERIES_STAMP" ] || read -r had_fp had_head <"$SERIES_STAMP"

[ -z "$(git_src status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them and run make export, or discard them"
[ "$head" = "$had_head" ] || [ "${FORCE:-0}" = 1 ] ||
	die "build/linux HEAD ($head) has commits that are not in patches/: run make export first, or make tree FORCE=1 to drop them"
[ "$want" != "$had_fp" ] || [ "$head" != "$had_head" ] || exit 0

# Only files that differ between HEAD and base are rewritten, so the
# out-of-tree builds stay incremental.
git_src checkout -q -f -B series base
log=$LOGS/tree.log
: >"$log"
n=0
for p in $(cat "$PATCHES/series"); do
	if ! git_src am -q --committer-date-is-author-date "$PATCHES/$p" >>"$log" 2>&1; then
		git_src am --abort >/dev/null 2>&1 || true
		fail_with_log "first patch that does not apply: patches/$p" "$log" "make tree"
	fi
	n=$((n + 1))
done
printf '%s %s\n' "$want" "$(git_src rev-parse HEAD)" >"$SERIES_STAMP"
say "tree: build/linux = base + $n patches ($(git_src rev-parse --short HEAD))"
