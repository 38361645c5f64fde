#!/bin/sh
# roundtrip.sh: build/linux from patches/, exported again, gives patches/
# byte for byte: the queue is exactly what the tree holds.
set -eu
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/tree.sh"
again=$BUILD/roundtrip
rm -rf "$again"
"$TOP/scripts/export.sh" "$again" >/dev/null
if ! diff -r "$PATCHES" "$again" >"$LOGS/roundtrip.diff"; then
	fail_with_log "patches/ differ from a fresh export of the tree made from them" \
		"$LOGS/roundtrip.diff" "scripts/roundtrip.sh"
fi
say "roundtrip: $(wc -l <"$PATCHES/series") patches, export is byte-identical"
