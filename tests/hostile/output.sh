#!/usr/bin/env bash
# Item 1 of issue 13: -o to a file that is not a regular file is written in place (never
# replaced), a write error there is exit 1 with one line; regular files keep their mode and a
# symlink stays a symlink; nothing is left beside the output.
# usage: output.sh MCUBENCH SOURCE_DIR
mcb=$1 src=$2
. "$src/tests/hostile/lib.sh"
model=$src/models/mnist-conv16-int8.tflite
head -c 784 /dev/zero > in.bin

# /dev/full: ENOSPC is reported, the device stays a device
run 1 '^mcubench: /dev/full: write failed: No space left on device$' \
  "$mcb" infer "$model" --input in.bin -o /dev/full
[[ -c /dev/full ]] || fail "/dev/full is no longer a character device"
# /dev/stdout: the 10 output bytes arrive on stdout
run 0 '' "$mcb" infer "$model" --input in.bin -o /dev/stdout
[[ $(stat -c %s .out) == 10 ]] || fail "-o /dev/stdout wrote $(stat -c %s .out) bytes, expected 10"
# a FIFO stays a FIFO and receives the bytes
mkfifo pipe
cat pipe > got.bin &
reader=$!
run 0 '' "$mcb" infer "$model" --input in.bin -o pipe
wait $reader
[[ -p pipe ]] || fail "the FIFO was replaced"
[[ $(stat -c %s got.bin) == 10 ]] || fail "the FIFO's reader got $(stat -c %s got.bin) bytes"
# quantize and train check their output before the long work; /dev/null is writable
run 0 '' "$mcb" quantize "$src/models/mnist-conv16.tflite" --dataset mnist --calib 10 -o /dev/null
[[ -c /dev/null ]] || fail "/dev/null is no longer a character device"
run 1 '^mcubench: /dev/full: write failed: No space left on device$' \
  "$mcb" quantize "$src/models/mnist-conv16.tflite" --dataset mnist --calib 10 -o /dev/full

# a regular file keeps its mode; a symlink stays a symlink to the replaced file
echo old > out.bin
chmod 640 out.bin
ln -s out.bin link.bin
run 0 '' "$mcb" infer "$model" --input in.bin -o link.bin
[[ -L link.bin ]] || fail "the symlink was replaced by a file"
[[ $(stat -c %a out.bin) == 640 && $(stat -c %s out.bin) == 10 ]] ||
  fail "out.bin: mode $(stat -c %a out.bin), size $(stat -c %s out.bin), expected 640 and 10"
# a new file gets 0666 & ~umask
(umask 027 && "$mcb" infer "$model" --input in.bin -o new.bin) || fail "infer -o new.bin"
[[ $(stat -c %a new.bin) == 640 ]] || fail "new.bin has mode $(stat -c %a new.bin) under umask 027"
# nothing left beside the outputs
left=$(ls -A | grep -Ev '^(in\.bin|pipe|got\.bin|out\.bin|link\.bin|new\.bin|\.out|\.err)$')
[[ -z $left ]] || fail "left behind: $left"
echo "output: ok"
