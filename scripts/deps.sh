#!/bin/sh
# Install the Debian packages the harness needs; a no-op when all are there.
set -eu
. "$(dirname "$0")/lib.sh"

PKGS="make gcc git perl python3 xz-utils gzip cpio kmod rsync flex bison bc
libelf-dev libssl-dev ccache sparse quilt codespell python3-ply python3-git
python3-sphinx coccinelle ocaml-nox
gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-system-misc
$BASE_PACKAGE"

# One dpkg-query for all: packages that are not installed print nothing.
installed=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' $PKGS 2>/dev/null |
	awk '$1 == "installed" { print $2 }')
missing=
for p in $PKGS; do
	printf '%s\n' "$installed" | grep -qx "$p" || missing="$missing $p"
done

have_base=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
[ -z "$missing" ] && [ "$have_base" = "$BASE_VERSION" ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
say "deps: installing:${missing:- (none)}; base $BASE_PACKAGE=$BASE_VERSION (have ${have_base:-none})"
$SUDO apt-get update -q >"$LOGS/apt-update.log" 2>&1 ||
	fail_with_log "apt-get update" "$LOGS/apt-update.log" "make deps"

pkgs=$(printf '%s\n' $missing | grep -vx "$BASE_PACKAGE" || true)
if [ -n "$pkgs" ]; then
	run_logged "apt-get install" "$LOGS/apt-install.log" "make deps" \
		$SUDO apt-get install -y -q --no-install-recommends $pkgs
fi

# The pinned base version first; if the archive no longer serves it, take
# the 6.12 it has and say so loudly: the queue may then need a rebase.
if [ "$have_base" != "$BASE_VERSION" ]; then
	if ! $SUDO apt-get install -y -q --no-install-recommends \
		"$BASE_PACKAGE=$BASE_VERSION" >"$LOGS/apt-base.log" 2>&1; then
		run_logged "apt-get install $BASE_PACKAGE" "$LOGS/apt-base.log" "make deps" \
			$SUDO apt-get install -y -q --no-install-recommends "$BASE_PACKAGE"
		got=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE")
		cat >&2 <<EOF
**********************************************************************
* WARNING: $BASE_PACKAGE $BASE_VERSION is not available any more.
* Installed $got instead. The series was developed against
* $BASE_VERSION (base.conf); patches may not apply or may behave
* differently. Update base.conf after checking the queue.
**********************************************************************
EOF
	fi
fi
