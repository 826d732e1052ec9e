#!/usr/bin/env bash
# Item 9 of issue 13: a model, firmware or target file that is not a regular file, or is
# larger than the documented limit (docs/reliability.md), is refused at once.
# usage: limits.sh MCUBENCH SOURCE_DIR
mcb=$1 src=$2
. "$src/tests/hostile/lib.sh"
quick() { # CMD... must be refused within 10 s (timeout's 124 would fail the exit check)
  run 1 "$pat" timeout 10 "$@"
}
pat='^mcubench: /dev/zero: not a regular file \(a device, FIFO or socket is not read\)$'
quick "$mcb" info /dev/zero
quick "$mcb" eval /dev/zero --dataset mnist
quick "$mcb" run /dev/zero
quick "$mcb" run "$src/tests/hostile/fw/markers.S" --target /dev/zero
mkfifo pipe
pat='^mcubench: pipe: not a regular file'
quick "$mcb" info pipe
quick "$mcb" generate pipe -o lib
pat='^mcubench: .*: is a directory, not a file$'
quick "$mcb" info "$src/models"
# sparse files above the limits: 256 MiB for models, 64 MiB for firmware, 1 MiB for targets
truncate -s 300M big.tflite
pat='^mcubench: big.tflite: too large: 314572800 bytes, the limit is 268435456$'
quick "$mcb" info big.tflite
truncate -s 65M big.elf
pat='^mcubench: big.elf: too large: 68157440 bytes, the limit is 67108864$'
quick "$mcb" run big.elf
truncate -s 2M big.target
pat='^mcubench: ./big.target: too large: 2097152 bytes, the limit is 1048576$'
quick "$mcb" profile "$src/models/mnist-conv16-int8.tflite" --target ./big.target
# infer's input (any file type) is bounded too: /dev/zero ends with one line
pat='^mcubench: /dev/zero: too large: more than 67108864 bytes \(the limit\)$'
run 1 "$pat" timeout 60 "$mcb" infer "$src/models/mnist-conv16-int8.tflite" --input /dev/zero -o out.bin
[[ ! -e out.bin ]] || fail "out.bin written"
echo "limits: ok"
