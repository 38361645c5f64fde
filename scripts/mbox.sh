#!/bin/sh
# mbox.sh [DIR]: write the queue for posting into DIR (default build/mbox):
# the patches of patches/, cover letter included, with the poster as author
# and in Signed-off-by instead of the queue's fixed identity (for git
# send-email DIR), and the patches without the cover letter in
# DIR/series.mbox (for git am), in the order of DIR/series (for the
# harness's checkpatch: HARNESS_PATCHES=DIR). patches/ keeps the
# fixed identity, so that export stays deterministic.
#
# The poster is MBOX_NAME and MBOX_EMAIL, or else git config user.name and
# user.email. The queue's placeholder identity is refused: a patch must be
# signed off by the person who posts it (Documentation/process/
# submitting-patches.rst, "Developer's Certificate of Origin").
set -eu
. "$(dirname "$0")/lib.sh"

name=${MBOX_NAME:-$(git config user.name || true)}
email=${MBOX_EMAIL:-$(git config user.email || true)}
[ -n "$name" ] && [ -n "$email" ] ||
	die "who posts the series? Set MBOX_NAME and MBOX_EMAIL, or git config user.name and user.email"
# The queue's identity, and addresses that cannot receive the review:
# the reserved example and test domains (RFC 2606), no-reply addresses.
case "$name <$email>" in
*"$DEV_NAME"* | *"$DEV_EMAIL"* | *@example.* | *.example\> | *@*.example.* | \
*.invalid\> | *.test\> | *.localhost\> | *noreply* | *no-reply*)
	die "refusing the placeholder identity $name <$email>: set MBOX_NAME and MBOX_EMAIL to yours" ;;
esac

dest=${1:-$BUILD/mbox}
ls "$PATCHES"/0000-cover-letter.patch >/dev/null 2>&1 || die "no queue in ${PATCHES#$TOP/}"
rm -rf "$dest"
mkdir -p "$dest"
for p in "$PATCHES"/[0-9]*.patch; do
	# Exact strings, not patterns: a name may hold any character.
	awk -v old="$DEV_NAME <$DEV_EMAIL>" -v new="$name <$email>" \
		-v old_name="$DEV_NAME" -v new_name="$name" '
		$0 == "From: " old { $0 = "From: " new }
		$0 == "Signed-off-by: " old { $0 = "Signed-off-by: " new }
		# The cover letter'\''s shortlog header, "Name (N):".
		index($0, old_name " (") == 1 && $0 ~ /\([0-9]+\):$/ {
			$0 = new_name substr($0, length(old_name) + 1)
		}
		{ print }' "$p" >"$dest/${p##*/}"
done
left=$(grep -l -e "$DEV_EMAIL" -e "$DEV_NAME" "$dest"/*.patch || true)
[ -z "$left" ] || die "the placeholder identity is still in: $(echo $left)"
cp "$PATCHES/series" "$dest/series"
(cd "$dest" && cat $(cat series)) >"$dest/series.mbox"
say "mbox: $(ls "$dest"/[0-9]*.patch | wc -l) files from $name <$email> in ${dest#$TOP/}; the patches in series.mbox"
