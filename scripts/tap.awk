#!/usr/bin/awk -f
# Read one TAP stream (kselftest flavour) and judge it. Prints one line per
# test point ("PASS name", "FAIL name", "SKIP name"), any error, and a last
# line "tap: P passed, F failed, S skipped". Exits non-zero on a failed
# point, a missing or repeated plan, a plan that does not match the points
# seen, a test number seen twice or outside the plan, or a "Bail out!";
# each but a failed point prints a "tap: error:" line saying which. Only
# top-level lines count: kselftest nests subtests behind "#" and
# indentation.
function error(msg) { print "tap: error: " msg; errors++ }
{ sub(/\r$/, "") }
/^1\.\.[0-9]+/ {
	if (plan != "") error("second plan: " $0)
	plan = substr($1, 4) + 0
	next
}
/^Bail out!/ { error($0); next }
/^(not )?ok [0-9]+/ {
	name = $0
	sub(/^(not )?ok [0-9]+ *-? */, "", name)
	if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) { print "SKIP " name; skipped++ }
	else if ($1 == "ok") { print "PASS " name; passed++ }
	else { print "FAIL " name; failed++ }
	seen++
	# The count alone lets "1..2 / ok 1 / ok 1" pass with test 2 never run:
	# each number must come once, and (checked at the end, since a plan may
	# come last) within the plan.
	num = ($1 == "ok" ? $2 : $3) + 0
	if (num in numbers) error("test " num " seen twice")
	numbers[num] = 1
}
END {
	if (plan == "") error("no plan (1..N line)")
	else {
		if (seen != plan) error("planned " plan " tests, saw " seen)
		for (num in numbers)
			if (num + 0 < 1 || num + 0 > plan) error("test " num " outside the plan 1.." plan)
	}
	printf "tap: %d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit (failed || errors) ? 1 : 0
}
