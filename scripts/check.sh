#!/bin/sh
# check.sh [quick] [--list] [--only "STEP..."]: run every test and print one
# line per step, then "N passed, N failed" as the last line; exit non-zero
# on any failure.
# Steps: the patch queue round trip, checkpatch on every patch, every patch
# building in every cell, the harness's own tests, the main job's report, the
# matrix builds, the nm check of what each cell links, the Kconfig sweep
# (every combination of the series' symbols resolved by Kconfig, each
# enabled KUnit option checked to be built), the guest tests in
# every bootable cell, the negative DMA cases of the nested-domain test
# (one boot each), the series' KUnit suites, the debug kernel's soak
# (stress, fault injection, fuzzing, kmemleak), the per-patch gates
# (commit messages, kernel-doc, W=1/sparse, uAPI header test), quilt,
# htmldocs, coccicheck, the series against the unpatched base, its cost
# against the base (object sizes, GET_INFO time), and no new W=1/sparse
# warnings over the whole series.
# A step that prints TAP counts ("tap: P passed, F failed, S skipped") counts
# its test points; any other step counts as one test. A failed
# tree-roundtrip ends the run there: the other steps would test a tree that
# is not the queue. "quick" runs a subset
# for iteration: the default and KVM=y cells only.
# --list prints the steps, what each needs and how to run it alone, and runs
# nothing. --only "NAME..." (or CHECK_STEPS="NAME...") runs only the steps
# named and the steps they need (declared where each step is, below), in
# this order; the others are not run and not counted, and the first line
# says so. tree-roundtrip then runs only when named: the steps test
# build/linux as it is.
set -u
. "$(dirname "$0")/lib.sh"

quick=0 list=0 only=${CHECK_STEPS:-}
while [ $# -gt 0 ]; do
	case $1 in
	quick) quick=1 ;;
	--list) list=1 ;;
	--only) [ -n "${2:-}" ] || die "--only needs step names"; only=$2; shift ;;
	*) die "usage: check.sh [quick] [--list] [--only \"STEP...\"]" ;;
	esac
	shift
done
logs=$LOGS/check
passed=0 failed=0 skipped=0 failures=

# cpu_ticks: busy and total jiffies of all CPUs since boot ("cpu" line of
# /proc/stat; idle and iowait are not busy).
cpu_ticks() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat
}

# step NAME REPRO [--needs "STEP..."] CMD...: run CMD with its output in
# build/logs/check/NAME.log; --needs names the steps whose results CMD
# uses (builds it boots or reads), which --only runs first.
# The result line says how busy the machine's CPUs were meanwhile: a step
# well under 100% leaves cores idle (a serial part), one near 100% can only
# get faster by doing less.
step() {
	name=$1 repro=$2 step_needs=
	shift 2
	if [ "${1:-}" = --needs ]; then
		step_needs=$2
		shift 2
	fi
	if [ "$mode" = plan ]; then
		for n in $step_needs; do
			cut -f1 "$plan" | grep -qxF -- "$n" ||
				die "step $name needs $n, which is no step before it"
		done
		printf '%s\t%s\t%s\n' "$name" "$step_needs" "$repro" >>"$plan"
		return 0
	fi
	if [ -n "$only" ]; then
		case " $selected " in *" $name "*) ;; *) return 0 ;; esac
	fi
	log=$logs/$name.log
	start=$(date +%s) ticks0=$(cpu_ticks)
	if "$@" >"$log" 2>&1; then ok=1; else ok=0; fi
	secs=$(( $(date +%s) - start ))
	cpu=$(printf '%s %s\n' "$ticks0" "$(cpu_ticks)" |
		awk '{ printf "%d%%", ($4 > $2 ? 100 * ($3 - $1) / ($4 - $2) : 0) }')
	counts=$(sed -n 's/^tap: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
	if [ -n "$counts" ]; then
		set -- $counts
		p=$1 f=$2 s=$3
		[ "$ok" = 1 ] || [ "$f" -gt 0 ] || f=1
		detail=" [$p passed, $f failed, $s skipped]"
	else
		p=$ok f=$((1 - ok)) s=0 detail=
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	if [ "$ok" = 1 ] && [ "$f" -eq 0 ]; then
		printf 'PASS %s (%ss, cpu %s)%s\n' "$name" "$secs" "$cpu" "$detail"
	else
		failures="$failures $name"
		printf 'FAIL %s (%ss, cpu %s)%s\n' "$name" "$secs" "$cpu" "$detail"
		tail -n 20 "$log" | sed 's/^/    | /'
		printf '    log: %s\n    reproduce with: %s\n' "${log#$TOP/}" "$repro"
	fi
}

# A cell boots when its fragment says "# boot: yes".
cells() {
	for f in "$TOP"/configs/*.config; do
		c=$(basename "$f" .config)
		case $c in base-*) continue ;; esac
		[ "$1" = all ] || grep -q '^# boot: yes' "$f" || continue
		printf '%s\n' "$c"
	done
}

# finish [WHY]: the last lines (time, the failed steps, WHY the run stopped
# early, the counts) and the exit status.
finish() {
	say "check: $(( $(date +%s) - start_all ))s; logs in ${logs#$TOP/}"
	[ -z "$failures" ] || say "failed:$failures"
	[ -z "${1:-}" ] || say "check: $1"
	say "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] || exit 1
	exit 0
}

default=kvm-n
# Every step, in order. check.sh goes through this twice: once to plan
# (each step only records its name, needs and repro), then to run.
steps() {
	step tree-roundtrip "scripts/roundtrip.sh" "$TOP/scripts/roundtrip.sh"
	# Every later step builds or reads build/linux: when it is not exactly the
	# queue (a patch that did not apply leaves it partly applied) they would
	# spend an hour proving nothing.
	case "$mode $failures " in
	"run "*" tree-roundtrip "*) finish "stopped: the other steps need build/linux to be patches/" ;;
	esac
	step checkpatch "scripts/checkpatch.sh" "$TOP/scripts/checkpatch.sh"
	# Earlier patches before HEAD: every build step below is then at HEAD, and
	# incremental from the patch before.
	[ "$quick" = 1 ] || step bisect "scripts/bisect.sh" "$TOP/scripts/bisect.sh"
	# The default cell first: the harness's guest tests boot it.
	step "build-$default" "make build CELL=$default" "$TOP/scripts/build.sh" "$default"
	step harness-selftest "tests/harness/run.sh" --needs "build-$default" sh -c \
		"'$TOP/tests/harness/run.sh' | awk -f '$TOP/scripts/tap.awk'"
	step "show-$default" "make show CELL=$default" --needs "build-$default" \
		"$TOP/scripts/show.sh" "$default"

	if [ "$quick" = 1 ]; then
		build_cells=kvm-y boot_cells="$default kvm-y"
	else
		build_cells=$(cells all | grep -vx "$default")
		boot_cells=$(cells boot)
	fi
	for c in $build_cells; do
		step "build-$c" "make build CELL=$c" "$TOP/scripts/build.sh" "$c"
	done
	[ "$quick" = 1 ] || step symbols "scripts/symbols.sh" \
		--needs "$(cells all | sed 's/^/build-/' | paste -sd' ' -)" "$TOP/scripts/symbols.sh"
	[ "$quick" = 1 ] || step kconfig-sweep "make sweep" "$TOP/scripts/sweep.sh"
	for c in $boot_cells; do
		step "guest-$c" "make guest CELL=$c" --needs "build-$c" "$TOP/scripts/guest.sh" "$c"
	done
	step nested-dma "scripts/nested.sh" "$TOP/scripts/nested.sh" "$default"
	step kunit "scripts/kunit.sh" "$TOP/scripts/kunit.sh"
	[ "$quick" = 1 ] || step soak "make soak" "$TOP/scripts/soak.sh"
	# The queue as a maintainer takes it: each patch on its own, then the
	# other ways to apply it, the tools the subsystem runs, the documentation.
	step patch-messages "scripts/patch-gates.sh messages" "$TOP/scripts/patch-gates.sh" messages
	step patch-kernel-doc "scripts/patch-gates.sh kernel-doc" "$TOP/scripts/patch-gates.sh" kernel-doc
	if [ "$quick" = 0 ]; then
		step patch-warnings "scripts/patch-gates.sh warnings" --needs "build-kvm-y build-kvm-n" \
			"$TOP/scripts/patch-gates.sh" warnings
		step patch-uapi "scripts/patch-gates.sh uapi" --needs build-x86_64 \
			"$TOP/scripts/patch-gates.sh" uapi
	fi
	step quilt "scripts/quilt.sh" "$TOP/scripts/quilt.sh"
	step htmldocs "scripts/htmldocs.sh" "$TOP/scripts/htmldocs.sh"
	if [ "$quick" = 0 ]; then
		step coccicheck "scripts/coccicheck.sh" "$TOP/scripts/coccicheck.sh"
		step base-check "scripts/base-check.sh" "$TOP/scripts/base-check.sh"
		step bench "make bench" "$TOP/scripts/bench.sh"
		step warnings "scripts/warnings.sh" "$TOP/scripts/warnings.sh"
	fi
}

plan=$(mktemp)
trap 'rm -f "$plan"' EXIT
trap 'exit 130' INT TERM
mode=plan
steps
selected=
if [ -n "$only" ]; then
	set -f
	for s in $only; do
		cut -f1 "$plan" | grep -qxF -- "$s" || die "no step $s; check.sh --list names them"
	done
	set +f
	# The named steps and, step by step backwards, what they need: every
	# step needs only steps before it (step() checks that).
	selected=$(awk -F'\t' -v want=" $only " '
		{ name[NR] = $1; needs[NR] = $2 }
		END {
			for (i = NR; i > 0; i--)
				if (index(want, " " name[i] " ")) want = want " " needs[i] " "
			for (i = 1; i <= NR; i++)
				if (index(want, " " name[i] " ")) printf "%s ", name[i]
		}' "$plan")
	[ -n "$selected" ] || die "--only \"$only\" selects no step"
	[ "$list" = 1 ] || say "check: only the steps $selected(asked for: $only)"
fi
if [ "$list" = 1 ]; then
	awk -F'\t' -v only="$only" -v sel=" $selected " '
		only == "" || index(sel, " " $1 " ") {
			printf "%-20s needs: %-24s reproduce: %s\n", $1, ($2 == "" ? "-" : $2), $3
		}' "$plan"
	exit 0
fi
rm -rf "$logs"
mkdir -p "$logs"
start_all=$(date +%s)
mode=run
steps

finish
