#!/bin/sh
# htmldocs.sh: "make SPHINXDIRS=arch/s390 htmldocs" with Debian's Sphinx
# builds the s390 book, with the series' page, and no warning that the base
# does not have. Warnings are compared as "file: text", line numbers dropped.
set -eu
. "$(dirname "$0")/lib.sh"

book=arch/s390
page=Documentation/output/$book/vfio-pci-zdev.html
# warnings_of TREE: the normalized Sphinx warnings of the book in TREE.
warnings_of() {
	use_kernel_tree "$1"
	[ -d "$KSRC/Documentation/$book" ] || KERNEL_TREE=$1 "$TOP/scripts/build.sh" --config-only kvm-n >/dev/null
	out=$BUILD/htmldocs/$1
	rm -rf "$out"
	# Debian's sphinx-build and its Python modules, not another python3.
	PATH=/usr/bin:$PATH make -C "$KSRC" O="$out" SPHINXDIRS="$book" htmldocs \
		>"$LOGS/htmldocs-$1.log" 2>&1 ||
		fail_with_log "htmldocs ($1)" "$LOGS/htmldocs-$1.log" "scripts/htmldocs.sh"
	grep -E '(WARNING|ERROR|CRITICAL|SEVERE):' "$LOGS/htmldocs-$1.log" | grep -v 'dot(1) not found' |
		sed -E 's|^([^ ]*/)?linux/||; s|^([^:]+):[0-9]+:|\1:|' | sort -u
}

warnings_of base >"$LOGS/htmldocs-base.txt"
warnings_of series >"$LOGS/htmldocs-series.txt"
new_against_base htmldocs "$book warnings" || die "the series adds documentation warnings (above)"
[ -s "$BUILD/htmldocs/series/$page" ] || die "no $page"
say "htmldocs: $page built"
