#!/bin/sh
# Sanity of the HRT image without booting it: an ELF64 whose multiboot2 header carries the
# HRT tag in the first 32 KiB, the deprivileged entry, the runtime and its tests linked in.
img="$1"
fail() { echo "hrt check: $img: $*"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$img" ] || fail "missing (make all)"
[ "$(head -c 4 "$img" | od -An -c | tr -d ' ')" = "177ELF" ] || fail "not an ELF file"
syms=$(nm "$img") || fail "nm failed"
for s in depriv_entry64 nk_test_fn_lhrt_quick lhrt_runtime_create plat_wait nkp_call_on_stack \
         __init_array_start __start_lhrt_symbols; do
  echo "$syms" | grep -q " $s\$" || fail "symbol $s missing"
done
off=$(od -An -tx4 -w4 -v -N 32768 "$img" | grep -n "e85250d6" | head -1 | cut -d: -f1)
[ -n "$off" ] || fail "no multiboot2 header in the first 32 KiB"
echo "hrt check: $img: ELF, multiboot2 header, HRT entry and runtime linked in"
echo "1 passed, 0 failed"
