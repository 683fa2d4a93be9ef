#!/bin/sh
# `make check`: checks that need no QEMU (JUnit boots the images). Last line: N passed, N failed.
out=${1:-target/native}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# Both multiboot headers inside the first 8 KiB of every image (QEMU -kernel and GRUB need it).
for img in "$out"/nautilus-*.elf; do
  head -c 8192 "$img" | od -An -tx4 -v | tr -s ' ' '\n' > "$out/.hdr"
  case $img in *-ring0.elf) grep -qx 1badb002 "$out/.hdr" && ok "$(basename "$img"): multiboot1 header" || bad "$(basename "$img"): no multiboot1 header in the first 8 KiB" ;; esac
  grep -qx e85250d6 "$out/.hdr" && ok "$(basename "$img"): multiboot2 header" || bad "$(basename "$img"): no multiboot2 header in the first 8 KiB"
done
rm -f "$out/.hdr"

# The core library holds no privileged instruction (the depriv profile links it at CPL3).
if objdump -d "$out/nautilus-core.a" | grep -qE '\s(cli|sti|hlt|lidt|lgdt|wrmsr|rdmsr|in|out|invlpg)\s|%cr[0-9]'; then
  bad "nautilus-core.a contains privileged instructions"
else
  ok "nautilus-core.a has no privileged instruction"
fi

# ring0: every IPI's WRMSR to the x2APIC ICR comes right after MFENCE;LFENCE. That WRMSR is
# not serializing, so a kick could overtake the run-queue stores it announces (arch/ring0/apic.c).
ring0="$out/nautilus-ring0.elf"
if [ -f "$ring0" ]; then
  for fn in apic_send_ipi apic_ipi_all_but_self; do
    r=$(objdump -d --no-show-raw-insn --disassemble="$fn" "$ring0" | awk -F'\t' '
      NF >= 2 { split($2, w, " "); m = w[1]
                if (m == "wrmsr") { n++; if (p1 != "lfence" || p2 != "mfence") bad++ }
                p2 = p1; p1 = m }
      END { printf "%d %d", n, bad }')
    case $r in
      "0 "*) bad "$fn: no WRMSR found in nautilus-ring0.elf (renamed? update scripts/check.sh)" ;;
      *" 0") ok "$fn: every x2APIC ICR write is fenced (MFENCE;LFENCE)" ;;
      *) bad "$fn: a WRMSR without MFENCE;LFENCE right before it (x2APIC IPI may overtake earlier stores)" ;;
    esac
  done
fi

# The Linux twins run and print one JSON line per benchmark: one twin per kernel benchmark.
want=$(grep -c '^NK_BENCH(' "$(dirname "$0")/../core/benches.c")
n=$(timeout 120 "$out/linux-twins" 20 2>&1 | grep -c '^{"bench":')
[ "$n" -eq "$want" ] && ok "linux-twins: $n JSON lines" || bad "linux-twins printed $n JSON lines, want $want (one per NK_BENCH in core/benches.c)"
# ... and each of them is valid JSON (the kernel's rows share their extra fields).
if command -v python3 >/dev/null 2>&1; then
  if timeout 120 "$out/linux-twins" 5 2>&1 | grep '^{"bench":' |
      python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' 2>/dev/null; then
    ok "linux-twins: every line parses as JSON"
  else
    bad "linux-twins printed a line that is not valid JSON"
  fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
