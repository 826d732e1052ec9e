#!/usr/bin/env bash
# Item 7 of issue 13: a damaged checkpoint (one flipped byte, cut short) is refused with one
# line, and neither it nor the output model is touched.
# usage: checkpoint.sh MCUBENCH SOURCE_DIR
mcb=$1 src=$2
. "$src/tests/hostile/lib.sh"
train() { "$mcb" train --model mnist-conv16 --limit 256 --threads 1 --checkpoint ck.bin -o m.tflite "$@"; }
train --epochs 1 > /dev/null 2>&1 || fail "training one epoch"
[[ -s ck.bin && -s m.tflite ]] || fail "no checkpoint or model"
cp ck.bin good.bin
size=$(stat -c %s ck.bin)
# one flipped byte in the middle of the weights
python3 -c "
import sys; d = bytearray(open('ck.bin','rb').read()); d[len(d)//2] ^= 0x10
open('ck.bin','wb').write(d)"
s0=$(snap .)
run 1 "^mcubench: ck.bin: damaged checkpoint \\($size bytes, checksum mismatch\\): not used \\(remove it to start over\\)$" \
  train --epochs 2
[[ $(snap .) == "$s0" ]] || fail "a refused resume changed files"
# cut to 1,000 bytes
head -c 1000 good.bin > ck.bin
s0=$(snap .)
run 1 '^mcubench: ck.bin: damaged checkpoint \(1000 bytes, checksum mismatch\): not used' train --epochs 2
[[ $(snap .) == "$s0" ]] || fail "a refused resume changed files"
# the intact one resumes
cp good.bin ck.bin
train --epochs 2 > /dev/null 2> err.txt || fail "resume from the intact checkpoint: $(cat err.txt)"
echo "checkpoint: ok"
