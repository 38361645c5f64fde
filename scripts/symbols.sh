#!/bin/sh
# symbols.sh: what each cell links of vfio-pci's zPCI support, read with nm.
# Every s390 cell with vfio-pci links the capability code; only cells with
# CONFIG_VFIO_PCI_ZDEV_KVM link any symbol of the KVM part; other
# architectures link neither. Both lists are the functions (nm types t, T)
# of the kvm-y cell's objects, so they follow the code; data symbols are
# left out because kvm-y also builds the KUnit suites, whose
# EXPORT_SYMBOL_IF_KUNIT() records exist only in the object, not in a link.
set -eu
. "$(dirname "$0")/lib.sh"

ref=$OUT/kvm-y/drivers/vfio/pci
[ -f "$ref/vfio_pci_zdev_kvm.o" ] && [ -f "$ref/vfio_pci_zdev.o" ] ||
	die "kvm-y has no vfio_pci_zdev.o and vfio_pci_zdev_kvm.o: make build CELL=kvm-y"
caps=$(nm --defined-only "$ref/vfio_pci_zdev.o" | awk '$2 == "T" { print $3 }')
kvm=$(nm --defined-only "$ref/vfio_pci_zdev_kvm.o" | awk '$2 ~ /^[tT]$/ && $3 !~ /^\./ { print $3 }')
[ -n "$caps" ] && [ -n "$kvm" ] || die "no symbols read from $ref"

# count WANTED HAVE: how many of the WANTED names are in the file HAVE.
count() { printf '%s\n' $1 | grep -cxF -f "$2" || true; }
nr_caps=$(printf '%s\n' $caps | wc -l)
nr_kvm=$(printf '%s\n' $kvm | wc -l)
bad=0
for f in "$TOP"/configs/*.config; do
	cell=$(basename "$f" .config)
	conf=$OUT/$cell/.config
	case $cell in base-*) continue ;; esac
	grep -q '^CONFIG_VFIO_PCI_CORE=[ym]' "$conf" 2>/dev/null || continue
	if grep -q '^CONFIG_VFIO_PCI_CORE=y' "$conf"; then
		image=$OUT/$cell/vmlinux
	else
		image=$OUT/$cell/drivers/vfio/pci/vfio-pci-core.ko
		[ -f "$image" ] || image=$OUT/$cell/drivers/vfio/pci/vfio-pci-core.o
	fi
	[ -f "$image" ] || die "$cell: $image is missing: make build CELL=$cell"
	nm --defined-only "$image" | awk '{ print $3 }' | sort -u >"$LOGS/symbols-$cell.txt"
	have_caps=$(count "$caps" "$LOGS/symbols-$cell.txt")
	have_kvm=$(count "$kvm" "$LOGS/symbols-$cell.txt")
	want_caps=0 want_kvm=0
	grep -q '^CONFIG_S390=y' "$conf" && want_caps=$nr_caps
	grep -q '^CONFIG_VFIO_PCI_ZDEV_KVM=y' "$conf" && want_kvm=$nr_kvm
	verdict=ok
	if [ "$have_caps" -ne "$want_caps" ] || [ "$have_kvm" -ne "$want_kvm" ]; then
		verdict=WRONG bad=1
	fi
	say "symbols: $cell ($(basename "$image")): capability code $have_caps/$nr_caps (want $want_caps), KVM part $have_kvm/$nr_kvm (want $want_kvm): $verdict"
done
[ "$bad" -eq 0 ] || die "a cell links the wrong zPCI code (capability symbols: $(echo $caps); KVM part: $(echo $kvm))"
