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
echo "sim: ok"
