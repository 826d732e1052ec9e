#!/usr/bin/env bash
# Items 3, 4 and 5 of issue 13: the simulator refuses what silicon refuses (unaligned
# multi-word accesses fault), firmware must fit the target's flash and RAM (each segment
# checked, named with the region), and unpaired markers cost linear time.
# usage: sim.sh MCUBENCH SOURCE_DIR FIRMWARE_DIR
mcb=$1 src=$2 fw=$3
. "$src/tests/hostile/lib.sh"

# 3: unaligned LDRD/STRD/LDM/STM/LDMDB fault with PC and symbol; aligned ones run
run 0 '' "$mcb" run "$fw/hostile_unaligned0.elf"
i=1
for insn in LDRD STRD LDM STM LDMDB; do
  run 1 "^mcubench: .*hostile_unaligned$i\\.elf: unaligned $insn: base r[0-9]+ = 0x2[0-9a-f]*[26ae] .*UsageFault.* at PC 0x[0-9a-f]{8} in main\\+0x[0-9a-f]+$" \
    "$mcb" run "$fw/hostile_unaligned$i.elf"
  i=$((i + 1))
done


# 4: segments must fit the target. patch ELF SEG FIELD VALUE OUT: a copy of hello.elf with one
# program-header field changed (offset 4 .. 24: offset vaddr paddr filesz memsz)
patch() {
  python3 - "$fw/hello.elf" "$1" "$2" "$3" "$4" <<'PY'
import struct, sys
src, seg, field, value, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4], 0), sys.argv[5]
d = bytearray(open(src, 'rb').read())
phoff, = struct.unpack_from('<I', d, 28)
phentsize, = struct.unpack_from('<H', d, 42)
off = {'vaddr': 8, 'paddr': 12, 'filesz': 16, 'memsz': 20}[field]
struct.pack_into('<I', d, phoff + seg * phentsize + off, value)
open(out, 'wb').write(d)
PY
}
patch 1 memsz 209715200 bss.elf
run 1 '^mcubench: bss.elf: segment 1 \(at 0x20000000, 209715200 bytes\) does not fit the RAM of target nrf52840 \(0x20000000, 262144 bytes\)$' \
  "$mcb" run bss.elf
patch 0 memsz 0xffffffff huge.elf
run 1 '^mcubench: huge.elf: segment 0 \(at 0x00000000, 4294967295 bytes\) does not fit the flash of target nrf52840' \
  "$mcb" run huge.elf
patch 1 paddr 0 over.elf
run 1 '^mcubench: over.elf: segments 0 and 1 overlap where they are loaded \(0x00000000, [0-9]+ bytes and 0x00000000, [0-9]+ bytes\)$' \
  "$mcb" run over.elf
patch 1 vaddr 0x10000000 nowhere.elf
run 1 '^mcubench: nowhere.elf: segment 1 \(at 0x10000000, [0-9]+ bytes\) is outside the flash and RAM of target nrf52840$' \
  "$mcb" run nowhere.elf
run 0 '' "$mcb" run "$fw/hello.elf"

# 5: 1,100,000 unpaired markers (quadratic before: hours); all but the 1,048,576 recorded are
# counted as dropped, and the run ends in seconds
start=$(date +%s)
run 0 '' "$mcb" run "$fw/hostile_markers.elf"
secs=$(( $(date +%s) - start ))
grep -q "^warning      1048576 marker(s) without a partner$" .out || fail "unpaired count: $(cat .out)"
grep -q "^warning      51424 marker(s) after the first 1048576 were not recorded$" .out ||
  fail "dropped count: $(cat .out)"
(( secs < 30 )) || fail "1.1 million unpaired markers took $secs s"

# 10: a stack placed low in RAM (initial SP below the end of .bss, so the per-block check is
# off) that runs off the bottom of RAM is a stack overflow, not just an unmapped write
python3 - "$fw/hostile_recurse.elf" rec.elf <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<I', d, 28)
off, = struct.unpack_from('<I', d, phoff + 4)     # segment 0: the vector table first
struct.pack_into('<I', d, off, 0x20000040)        # initial SP
open(sys.argv[2], 'wb').write(d)
PY
run 1 '^mcubench: rec.elf: stack overflow: the stack ran below the start of RAM 0x20000000 \(SP 0x2000[0-9a-f]{4}, then a write to unmapped memory 0x1ffff[0-9a-f]{3}\) at PC 0x[0-9a-f]{8} in main\+0x[0-9a-f]+$' \
  "$mcb" run rec.elf
echo "sim: ok"
