#!/usr/bin/env bash
# The faster simulator changes no simulated number (issue 11, item 7).
#  1. identical.expected pins, for each firmware below, what `mcubench run --json` reported
#     before the shortcuts (commit cea7cb0): cycles and instructions (in total and between the
#     markers, per region), instruction-cache lookups and misses, RAM peaks, output, exit code
#     and fault; the same firmwares must give the same now. The uTensor engine's firmware
#     (mnist-conv16, 2 test images) is built here with `mcubench profile`: its loaded bytes do
#     not depend on the checkout's path. aot's firmware is built too but only takes step 2: its
#     code changes with every aot kernel change, so numbers pinned once would go stale.
#  2. test_identical runs each with the shortcuts and through Unicorn's own paths, SP tracking
#     checked against Unicorn at every block, and requires equal results.
# usage: identical.sh MCUBENCH SOURCE_DIR FIRMWARE_DIR TEST_IDENTICAL HAVE_UTENSOR
set -u
mcb=$1 src=$2 fw=$3 ident=$4 have_utensor=$5
expected=$src/tests/sim/identical.expected
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

elfs=()
for name in $(cut -f1 "$expected"); do
  case $name in
    engine-*) ;;
    *) elfs+=("$fw/$name.elf") ;;
  esac
done
for engine in aot utensor; do
  if [ "$engine" = utensor ] && [ "$have_utensor" != 1 ]; then
    echo "identical: uTensor's archive is not here; its firmware is not checked"
    continue
  fi
  if ! "$mcb" profile "$src/models/mnist-conv16-int8.tflite" --engine $engine --images 2 \
      --keep "$tmp/$engine" > "$tmp/$engine.log" 2>&1; then
    echo "identical: building the $engine firmware failed:"; tail -5 "$tmp/$engine.log"
    fail=1
    continue
  fi
  cp "$tmp/$engine/profile.elf" "$tmp/engine-$engine.elf"
  elfs+=("$tmp/engine-$engine.elf")
done

# 1. the pinned numbers
for elf in "${elfs[@]}"; do
  name=$(basename "$elf" .elf)
  "$mcb" run "$elf" --json > "$tmp/out.json" 2> "$tmp/out.err"
  got=$(python3 "$src/tests/sim/identical_canon.py" "$tmp/out.json" "$tmp/out.err" $? "$elf")
  want=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$expected")
  if [ -z "$want" ] && [ "$name" = engine-aot ]; then
    echo "identical: engine-aot: not pinned (its code follows the aot kernels); step 2 only"
  elif [ -z "$want" ]; then
    echo "identical: $name: not in $expected"; fail=1
  elif [ "$got" != "$want" ]; then
    echo "identical: $name: differs from before"; echo "  now:    $got"; echo "  before: $want"
    fail=1
  else
    echo "identical: $name: as before (${got:0:100}...)"
  fi
done

# 2. shortcuts against Unicorn's own paths (the two long benchmark loops only in step 1: this
#    runs each firmware twice, and under the sanitizers)
both=()
for elf in "${elfs[@]}"; do
  case $(basename "$elf") in
    sim_cnn_repeat.elf | sim_smlad_bench.elf) ;;
    *) both+=("$elf") ;;
  esac
done
"$ident" nrf52840 "${both[@]}" || fail=1
[ $fail = 0 ] && echo "identical: ok"
exit $fail
