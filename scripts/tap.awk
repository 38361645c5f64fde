#!/usr/bin/awk -f
# Read one TAP stream (kselftest flavour) and judge it. Prints one line per
# test point ("PASS name", "FAIL name", "SKIP name"), any error, and a last
# line "tap: P passed, F failed, S skipped". Exits non-zero on a failed
# point, a missing or repeated plan, a plan that does not match the points
# seen, or a "Bail out!". Only top-level lines count: kselftest nests
# subtests behind "#" and indentation.
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
}
END {
	if (plan == "") error("no plan (1..N line)")
	else if (seen != plan) error("planned " plan " tests, saw " seen)
	printf "tap: %d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit (failed || errors) ? 1 : 0
}
