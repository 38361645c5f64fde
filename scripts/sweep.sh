#!/bin/sh
# sweep.sh: the Kconfig sweep. Each combination of the values below, of the
# series' symbols and of those they depend on, goes onto
# configs/base-s390.config and is resolved by Kconfig (allnoconfig, as the
# matrix cells are). For each distinct resolution of the symbols that
# decide what the series builds, every KUnit option the series adds that it
# enables must be built: kbuild puts an object into vmlinux only when each
# directory above it is entered through obj-y, and into a module when none
# is left out; the symbol that enters each directory is read from its
# parent's Kbuild or Makefile. A test that Kconfig enables and kbuild never
# builds fails the sweep; the hand-picked cells of the matrix miss such
# combinations (review M1). Prints one TAP line per distinct resolution and
# "tap: P passed, F failed, S skipped".
#
# The resolutions are not built here: on two cores one build from a
# neighbouring configuration took 250 s, and there are about 80; the
# matrix cells (configs/) are what make check builds and links.
set -eu
. "$(dirname "$0")/lib.sh"

# The axes. vfio and vfio-pci come as pairs (vfio-pci needs vfio), KUnit
# with KUNIT_ALL_TESTS; without modules only y and n are tried. PCI=n
# leaves nothing of the series, so it is a single extra combination.
# IOMMUFD is not an axis: no symbol of the series depends on it and no
# object of the series is built or left out by it.
KVM_VALUES="y m n"
VFIO_VALUES="y:y y:m m:m y:n n:n"
ZDEV_VALUES="y n"
KUNIT_VALUES="n:n y:y m:m"
# The symbols whose values decide what the series builds and where it
# goes (vmlinux or a module); the series' KUnit options are added to them
# below. Two combinations that agree on these build the same objects of
# the series into the same places. The builds go in the order of these
# values, KUnit and modules first: each of those two changes most objects.
DECIDING="KUNIT MODULES PCI KVM VFIO_PCI_CORE VFIO_PCI_ZDEV_KVM"

dir=$OUT/sweep
logs=$LOGS/sweep
repro="scripts/sweep.sh"
rm -rf "$dir/resolved" "$logs"
mkdir -p "$dir/resolved" "$logs"

# entered_by DIR: the symbol that makes kbuild enter each directory from
# the top down to DIR, one per line ("y" for obj-y), as the parent's
# Kbuild or Makefile says; fails when a level says nothing.
entered_by() {
	_path=
	for _c in $(echo "$1" | tr / ' '); do
		_parent=$_path
		_path=${_path:+$_path/}$_c
		case $_path in
		arch) continue ;;
		arch/*/*) _want="$_c/" ;;
		arch/*) _parent= _want='arch/$(SRCARCH)/' ;;
		*) _want="$_c/" ;;
		esac
		_files=
		for _f in Kbuild Makefile; do
			[ ! -f "$SRC/${_parent:+$_parent/}$_f" ] ||
				_files="$_files $SRC/${_parent:+$_parent/}$_f"
		done
		[ -n "$_files" ] || die "no Kbuild or Makefile in ${_parent:-the top}"
		# Continuation lines joined, comments dropped; a line inside a
		# conditional block, or more than one line, is not understood.
		awk -v want="$_want" '
			{ line = pending $0; pending = "" }
			/\\$/ { sub(/\\$/, "", line); pending = line " "; next }
			{ sub(/#.*/, "", line); n = split(line, w, /[ \t]+/) }
			w[1] ~ /^(ifeq|ifneq|ifdef|ifndef)$/ { depth++ }
			w[1] == "endif" { depth-- }
			line ~ /^obj-(y|\$\(CONFIG_[A-Z0-9_]+\))[ \t]*[:+]?=/ {
				for (i = 2; i <= n; i++) if (w[i] == want) {
					sym = line; sub(/[ \t:+=].*/, "", sym); sub(/^obj-/, "", sym)
					gsub(/^\$\(CONFIG_|\)$/, "", sym)
					if (depth) sym = "?conditional"
					found++
				}
			}
			END { if (found == 1) print sym; exit found != 1 || sym ~ /^\?/ }' $_files ||
			die "not one unconditional obj- line of ${_parent:-the top} enters $_want"
	done
}

kmake() {
	_o=$1
	shift
	make -C "$SRC" O="$_o" ARCH=s390 CROSS_COMPILE="$S390_CROSS" \
		CC="ccache ${S390_CROSS}gcc" "$@"
}
# The series' KUnit options, each with the object its Makefile builds.
tests=$(git_src diff base..HEAD -- '*Kconfig' |
	sed -n 's/^+config \([A-Z0-9_]*KUNIT_TEST\)$/\1/p')
[ -n "$tests" ] || die "the series adds no KUnit option"
: >"$dir/tests"
for t in $tests; do
	mk=$(git_src grep -l "obj-\$(CONFIG_$t)" -- '*Makefile' | head -n 1)
	obj=$(git_src grep -h "obj-\$(CONFIG_$t)" -- "$mk" | sed 's/.*+= *//; s/ .*//')
	[ -n "$mk" ] && [ -n "$obj" ] || die "no Makefile builds CONFIG_$t"
	echo "$t $(dirname "$mk")/$obj" >>"$dir/tests"
	DECIDING="$DECIDING $t"
done

# Where kbuild would put each test: its own symbol's value, lowered to the
# lowest value among the symbols that enter its directories, which also
# decide what is built. (An assignment, so that a failure of entered_by
# stops the sweep.)
while read -r t obj; do
	levels=$(entered_by "$(dirname "$obj")")
	echo "$t $obj" $levels
	for l in $levels; do
		case " $DECIDING " in *" $l "*) ;; *) [ "$l" = y ] || DECIDING="$DECIDING $l" ;; esac
	done
done <"$dir/tests" >"$dir/tests-entered"

# The combinations, one fragment line set per line of combinations.
combos=$dir/combos
{
	echo "PCI=n"
	for modules in y n; do
	for kvm in $KVM_VALUES; do
	for vfio in $VFIO_VALUES; do
	for zdev in $ZDEV_VALUES; do
	for kunit in $KUNIT_VALUES; do
		set -- "$kvm" "${vfio%:*}" "${vfio#*:}" "${kunit%:*}" "${kunit#*:}"
		[ "$modules" = y ] || case " $* " in *" m "*) continue ;; esac
		echo "MODULES=$modules KVM=$kvm VFIO=$2 VFIO_PCI=$3 VFIO_PCI_ZDEV_KVM=$zdev KUNIT=$4 KUNIT_ALL_TESTS=$5"
	done; done; done; done; done
} >"$combos"

# kmake DIR ARGS...: make in the series tree, out of tree in DIR.
export CCACHE_BASEDIR="$TOP" CCACHE_IGNOREOPTIONS="-fmacro-prefix-map=* -Wa,-I*"
export KBUILD_BUILD_TIMESTAMP="$BASE_DATE" KBUILD_BUILD_USER=zpci KBUILD_BUILD_HOST=harness

# resolve WORKER: resolve every combination whose line number modulo 2 is
# WORKER, in a configuration directory of its own; each resolution is
# stored under the deciding symbols' values.
resolve() {
	conf=$dir/conf-$1
	mkdir -p "$conf"
	awk -v w="$1" 'NR % 2 == w' "$combos" | while read -r combo; do
		# The base without the symbols the combination sets, then those.
		set=$(for kv in $combo; do printf '%s ' "CONFIG_${kv%=*}"; done)
		{
			awk -v set=" $set" '{ sym = $0; sub(/^# /, "", sym); sub(/[= ].*/, "", sym) }
				index(set, " " sym " ") == 0' "$TOP/configs/base-s390.config"
			echo "CONFIG_VIRTUALIZATION=y"
			for kv in $combo; do
				case $kv in
				*=n) echo "# CONFIG_${kv%=n} is not set" ;;
				*) echo "CONFIG_$kv" ;;
				esac
			done
		} >"$conf/fragment"
		kmake "$conf" KCONFIG_ALLCONFIG="$conf/fragment" allnoconfig >"$conf/log" 2>&1 ||
			{ echo "resolve: $combo" >>"$dir/failed"; cat "$conf/log" >>"$logs/resolve.log"; continue; }
		key=$(for s in $DECIDING; do
			v=$(sed -n "s/^CONFIG_$s=//p" "$conf/.config")
			printf '%s=%s ' "$s" "${v:-n}"
		done)
		id=$(printf '%s' "$key" | sha1sum | cut -c1-10)
		echo "$combo" >>"$dir/done-$1"
		[ -f "$dir/resolved/$id.config" ] || {
			cp "$conf/.config" "$dir/resolved/$id.config"
			echo "$key" >"$dir/resolved/$id.key"
			echo "$combo" >"$dir/resolved/$id.combo"
		}
	done
}
rm -f "$dir/failed" "$dir"/done-*
start=$(date +%s)
resolve 0 & r0=$!
resolve 1 & r1=$!
status=0
wait $r0 || status=1
wait $r1 || status=1
[ "$status" = 0 ] && [ ! -f "$dir/failed" ] ||
	fail_with_log "Kconfig could not resolve every combination" "$logs/resolve.log" "$repro"
[ "$(cat "$dir"/done-* | wc -l)" -eq "$(wc -l <"$combos")" ] ||
	die "$(cat "$dir"/done-* | wc -l) of $(wc -l <"$combos") combinations resolved"
distinct=$(ls "$dir/resolved" | grep -c '\.config$')
say "sweep: $(wc -l <"$combos") combinations resolved to $distinct distinct configurations in $(( $(date +%s) - start ))s"

# value CONFIG SYM: the symbol's value in a .config, n when unset; "y"
# stands for itself (obj-y).
value() {
	[ "$2" != y ] || { echo y; return; }
	_v=$(sed -n "s/^CONFIG_$2=//p" "$1")
	echo "${_v:-n}"
}
rank() { case $1 in y) echo 2 ;; m) echo 1 ;; *) echo 0 ;; esac; }


n=0 failed=0
for id in $(for k in "$dir"/resolved/*.key; do
		printf '%s %s\n' "$(cat "$k")" "$(basename "$k" .key)"
	done | sort | awk '{ print $NF }'); do
	cfg=$dir/resolved/$id.config
	n=$((n + 1))
	log=$logs/$id.log
	what="$(cat "$dir/resolved/$id.key")"
	problem=
	echo "from: $(cat "$dir/resolved/$id.combo")" >"$log"
	while read -r t obj levels; do
		want=$(value "$cfg" "$t")
		[ "$want" != n ] || continue
		for l in $levels; do
			echo "CONFIG_$t=$want: a directory above $obj is entered by $l=$(value "$cfg" "$l")" >>"$log"
			[ "$(rank "$(value "$cfg" "$l")")" -ge "$(rank "$want")" ] ||
				problem="$problem CONFIG_$t=$want but CONFIG_$l=$(value "$cfg" "$l"): $obj is never built;"
		done
	done <"$dir/tests-entered"
	if [ -z "$problem" ]; then
		say "ok $n - $what"
	else
		failed=$((failed + 1))
		say "not ok $n - $what:$problem"
		say "# from: $(cat "$dir/resolved/$id.combo")"
		say "# reproduce with: $repro (configuration ${cfg#$TOP/}, log ${log#$TOP/})"
	fi
done
# A test that no resolution enables proves nothing above: each must be
# built in somewhere (y) in at least one.
while read -r t obj; do
	reached=$(cat "$dir"/resolved/*.config | sed -n "s/^CONFIG_$t=//p" | sort -u | tr '\n' ' ')
	n=$((n + 1))
	case " $reached" in
	*" y "*) say "ok $n - CONFIG_$t reaches: $reached" ;;
	*) failed=$((failed + 1)); say "not ok $n - CONFIG_$t is never y, only: ${reached:-n}" ;;
	esac
done <"$dir/tests"
say "sweep: $n checks in $(( $(date +%s) - start ))s in all"
say "tap: $((n - failed)) passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
