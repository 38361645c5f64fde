# The two commands a user runs: `make` (the main job: build the default cell,
# boot it and show what userspace sees of its zPCI functions) and
# `make check` (every test). Everything else is a step of those.
CELL ?= kvm-n

.DEFAULT_GOAL := all
.PHONY: mbox sweep all deps tree export build guest show soak bench check check-quick clean

all: show

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

export: deps
	@scripts/export.sh

build: tree
	@scripts/build.sh $(CELL)

guest: build
	@scripts/guest.sh $(CELL)

show: build
	@scripts/show.sh $(CELL)

# The debug kernel's stress, fault-injection and leak run (part of check).
soak: tree
	@scripts/soak.sh

# The series for posting, from the poster's own identity (MBOX_NAME,
# MBOX_EMAIL or git config), into build/mbox.
mbox:
	@scripts/mbox.sh

# Every Kconfig combination of the series' symbols resolved, and each
# enabled KUnit option checked to be built (part of check).
sweep: tree
	@scripts/sweep.sh

# Object sizes and GET_INFO time against the unpatched base (part of check).
bench: tree
	@scripts/bench.sh

check: deps
	@scripts/check.sh

check-quick: deps
	@scripts/check.sh quick

clean:
	rm -rf build/out build/logs build/roundtrip build/base/out build/kunit build/htmldocs build/quilt build/broken/out build/bench
