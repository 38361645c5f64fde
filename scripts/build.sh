#!/bin/sh
# build.sh [--config-only|--link-only] CELL: configure and build
# build/linux for one matrix cell, out of tree in build/out/CELL, through
# ccache. --link-only stops at vmlinux and the modules (no boot image, no
# modules_install): enough to show that a commit compiles and links.
#
# CELL names configs/CELL.config (or is a path to a fragment). Its header
# says "# arch: ..." (default s390), "# targets: ..." (default: the whole
# kernel and modules), "# optional: ..." symbols that may be missing from
# the tree, "# seed: CELL" a built cell to start from. The fragment goes
# onto configs/base-ARCH.config and allnoconfig; every symbol the merged
# fragment sets must have that value in the final .config, or the build
# fails listing the ones that were dropped.
set -eu
. "$(dirname "$0")/lib.sh"

config_only=0 link_only=0
case ${1:-} in
--config-only) config_only=1; shift ;;
--link-only) link_only=1; shift ;;
esac
[ $# -eq 1 ] || die "usage: build.sh [--config-only|--link-only] CELL"
case $1 in
*/*) cell_file=$1 ;;
*) cell_file=$TOP/configs/$1.config ;;
esac
[ -f "$cell_file" ] || die "no cell $1; cells: $(cd "$TOP/configs" && ls | grep -v '^base-' | sed 's/\.config$//' | tr '\n' ' ')"
cell=$(basename "$cell_file" .config)

header() { sed -n "s/^# $1: *//p" "$cell_file" | head -n 1; }
arch=$(header arch)
arch=${arch:-s390}
targets=$(header targets)

out=$KOUT/$cell
# The base tree is a worktree of build/linux at tag base, made when missing
# (or when base moved).
if [ "$KTAG" = -base ] && [ "$(git -C "$KSRC" rev-parse HEAD 2>/dev/null)" != "$(git_src rev-parse base)" ]; then
	rm -rf "$KSRC"
	git_src worktree prune
	git_src worktree add -q --detach "$KSRC" base
fi
log=$LOGS/build-$cell$KTAG.log
repro="make build CELL=$cell"
# "# seed: CELL": a cell never built here starts as a copy of that cell's
# build, when there is one, and kbuild then rebuilds only what depends on
# the Kconfig symbols that differ (fixdep records them per object). On a
# cold cache that is minutes less than compiling every object again.
seed=$(header seed)
if [ -n "$seed" ] && [ ! -f "$out/.config" ] && [ -f "$KOUT/$seed/vmlinux" ]; then
	rm -rf "$out"
	cp -a "$KOUT/$seed" "$out"
	rm -rf "$out/modroot" "$out/fragment.config"
	say "build: $cell starts from a copy of the $seed build"
fi
mkdir -p "$out"
: >"$log"

export KBUILD_BUILD_TIMESTAMP="$BASE_DATE" KBUILD_BUILD_USER=zpci KBUILD_BUILD_HOST=harness
# ccache: paths under the repository are hashed relative to the build
# directory, and two absolute paths that base_dir does not rewrite are left
# out of the hash: -fmacro-prefix-map (its effect, __FILE__, is in the
# preprocessed source that ccache hashes anyway) and s390's assembler
# include path -Wa,-I (ccache never tracks assembler includes). So the base
# tree and the series tree share cache entries.
export CCACHE_BASEDIR="$TOP" CCACHE_IGNOREOPTIONS="-fmacro-prefix-map=* -Wa,-I*"
if [ "$arch" = s390 ]; then
	kmake="make -C $KSRC O=$out ARCH=s390 CROSS_COMPILE=$S390_CROSS CC=ccache\ ${S390_CROSS}gcc"
else
	kmake="make -C $KSRC O=$out ARCH=$arch CC=ccache\ gcc"
fi
# $kmake holds one argument with a space (CC=...), so run it through eval.
kmake() { eval "$kmake" '"$@"'; }

# "# optional: CONFIG_..." names symbols the series adds (KUnit suites):
# a tree without them (the base, an early patch) builds the cell without;
# a tree that defines one must give it the requested value.
absent=
for sym in $(header optional); do
	git -C "$KSRC" grep -qE "^[[:space:]]*(menu)?config ${sym#CONFIG_}\$" -- '*Kconfig*' ||
		absent="$absent $sym"
done

# Later fragments win, as with merge_config.sh.
merged=$out/fragment.config
cat "$TOP/configs/base-$arch.config" "$cell_file" | awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym); val[sym] = $0; if (!(sym in seen)) { seen[sym] = 1; order[n++] = sym } }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { sym = $2; val[sym] = $0; if (!(sym in seen)) { seen[sym] = 1; order[n++] = sym } }
	END { for (i = 0; i < n; i++) print val[order[i]] }' >"$merged.new"
# The optional symbols this tree lacks are part of the fragment's identity:
# when a later commit adds one, the cell must be configured again, or
# kbuild's syncconfig would give it its default.
echo "# absent:$absent" >>"$merged.new"

# Reconfigure only when the fragment changed, so rebuilds stay incremental.
if ! cmp -s "$merged.new" "$merged" || [ ! -f "$out/.config" ]; then
	run_logged "configure $cell" "$log" "$repro" \
		kmake KCONFIG_ALLCONFIG="$merged.new" allnoconfig
	mv "$merged.new" "$merged"
else
	rm -f "$merged.new"
fi

dropped=$(awk -v absent="$absent" '
	function got(sym) { return (sym in have) ? substr(have[sym], length(sym) + 2) : "n" }
	BEGIN { n = split(absent, a, " "); for (i = 1; i <= n; i++) skip[a[i]] = 1 }
	FNR == NR { if ($0 ~ /^CONFIG_/) { sym = $0; sub(/=.*/, "", sym); have[sym] = $0 } next }
	/^CONFIG_/ { sym = $0; sub(/=.*/, "", sym); want = substr($0, length(sym) + 2)
		if (!(sym in skip) && got(sym) != want) printf "%s (requested %s, got %s)\n", sym, want, got(sym) }
	/^# CONFIG_/ { if (got($2) != "n") printf "%s (requested n, got %s)\n", $2, got($2) }
	' "$out/.config" "$merged")
if [ -n "$dropped" ]; then
	rm -f "$merged"
	printf 'FAILED: cell %s: requested Kconfig values that did not land in %s/.config:\n%s\nreproduce with: %s\n' \
		"$cell" "${out#$TOP/}" "$dropped" "$repro" >&2
	exit 1
fi
[ "$config_only" = 0 ] || { say "build: $cell configured"; exit 0; }

[ "$link_only" = 0 ] || [ -n "$targets" ] || targets="vmlinux modules"
start=$(date +%s)
run_logged "build $cell" "$log" "$repro" kmake -j"$JOBS" $targets
if [ -z "$(header targets)" ] && [ "$link_only" = 0 ] && grep -q '^CONFIG_MODULES=y' "$out/.config"; then
	rm -rf "$out/modroot"
	run_logged "modules_install $cell" "$log" "$repro" \
		kmake INSTALL_MOD_PATH="$out/modroot" modules_install
fi
say "build: $cell done in $(( $(date +%s) - start ))s (log ${log#$TOP/})"
