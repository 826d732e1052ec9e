#!/usr/bin/env bash
# The cmsis-nn engine through the CLI (tests/engines/CMakeLists.txt).
# usage: cmsis_nn_test.sh CASE MCUBENCH SOURCE_DIR BINARY_DIR CN_MODEL CGT_FAMILY_MODEL ARM_GCC
#   mnist, cifar10  the committed conv16 models, 5 images, every output byte checked (mnist's
#                   firmware also on QEMU)
#   layers          a random-weight model through every kernel the wrappers dispatch to
#   wrapped         a converter-style model (float I/O around QUANTIZE / DEQUANTIZE)
#   generate        'generate -o DIR' compiles with -Wall -Wextra -Werror for the target;
#                   an unsupported operator and a missing archive are one line each
set -u
case=$1 mcb=$2 src=$3 bin=$4 cn_model=$5 family_model=$6 gcc=$7
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

bit_exact() { # MODEL IMAGES [profile options]: profile must check every byte and say so
    local model=$1 images=$2; shift 2
    "$mcb" profile "$model" --engine cmsis-nn --images "$images" "$@" > "$tmp/p.txt" 2> "$tmp/err.txt" \
        || fail "profile $model: $(cat "$tmp/err.txt")"
    grep -q "^outputs *bit-exact with the host executor on every image" "$tmp/p.txt" \
        || fail "profile $model is not bit-exact: $(cat "$tmp/p.txt")"
    grep -q "engine cmsis-nn (cmsis-nn 4ab83cc3)" "$tmp/p.txt" || fail "no version: $(head -1 "$tmp/p.txt")"
}

case $case in
mnist)
    bit_exact "$src/models/mnist-conv16-int8.tflite" 5 --keep "$tmp/keep"
    # the same firmware on QEMU (a second opinion on the Cortex-M4): same output, same exit
    "$mcb" run "$tmp/keep/profile.elf" --qemu > "$tmp/run.txt" 2> "$tmp/err.txt" \
        || fail "run --qemu: $(cat "$tmp/err.txt")"
    grep -q "^qemu *same output and exit code" "$tmp/run.txt" || fail "qemu: $(tail -2 "$tmp/run.txt")"
    ;;
cifar10) bit_exact "$src/models/cifar10-conv16-int8.tflite" 5 ;;
layers)
    "$cn_model" layers "$tmp/layers.tflite" || fail "cn_model layers"
    bit_exact "$tmp/layers.tflite" 3 --dataset mnist --keep "$tmp/keep"
    # every kernel the wrappers can pick for 2-D images on a Cortex-M4 was called
    for k in "runs arm_convolve_s8 " "runs arm_convolve_1x1_s8_fast " "runs arm_convolve_1_x_n_s8 " "runs arm_depthwise_conv_3x3_s8 " \
             "runs arm_depthwise_conv_s8_opt " "runs arm_depthwise_conv_s8 " \
             "arm_fully_connected_per_channel_s8" "arm_max_pool_s8" "arm_softmax_s8" \
             "arm_avgpool_s8" "arm_elementwise_add_s8"; do
        grep -q "$k" "$tmp/keep/engine/model.c" || fail "no layer $k in the generated model.c"
    done
    grep -q "scratch: 600 bytes" "$tmp/keep/engine/model.c" \
        || fail "the 5x5 depthwise layer has no 600-byte scratch (12 channels x 25 taps x int16)"
    ;;
wrapped)
    "$family_model" mnist-conv16 11 "$tmp/wrap.tflite" wrap || fail "cgt_family_model"
    bit_exact "$tmp/wrap.tflite" 2
    ;;
generate)
    model=$src/models/cifar10-conv16-int8.tflite
    "$mcb" generate "$model" --engine cmsis-nn -o "$tmp/gen" > "$tmp/gen.txt" 2> "$tmp/err.txt" \
        || fail "generate: $(cat "$tmp/err.txt")"
    for f in model.h model.c mcb_engine.c mcb_port.h; do
        [[ -f $tmp/gen/$f ]] || fail "generate wrote no $f"
    done
    grep -q "arena *18000 bytes" "$tmp/gen.txt" || fail "arena: $(cat "$tmp/gen.txt")"
    grep -q "libcmsis-nn\|/cmsis-nn-[0-9a-f]*\.a" "$tmp/gen.txt" || fail "no library: $(cat "$tmp/gen.txt")"
    cache=${MCUBENCH_CACHE:-$bin/fwcache}
    cflags=$(sed -n 's/^cflags *= *"\(.*\)"/\1/p' "$src/targets/nrf52840.target")
    [[ -n $cflags ]] || fail "no cflags in nrf52840.target"
    for defs in "" "-DMCB_MODEL_MARKERS=1" "-DMCB_MODEL_TRACE=1"; do
        for f in model.c mcb_engine.c; do
            # shellcheck disable=SC2086
            "$gcc" $cflags -std=c99 -pedantic -Wall -Wextra -Werror $defs -I "$tmp/gen" \
                -I "$cache/src/cmsis-nn-4ab83cc3/Include" -I "$cache/src/cmsis6-5782d6f8/CMSIS/Core/Include" \
                -c "$tmp/gen/$f" -o "$tmp/x.o" 2> "$tmp/cc.txt" \
                || fail "$f ($defs) does not compile cleanly: $(cat "$tmp/cc.txt")"
        done
    done
    # the constants are const (flash), the arena is the only RAM
    "$gcc" $cflags -std=c99 -I "$tmp/gen" -I "$cache/src/cmsis-nn-4ab83cc3/Include" \
        -I "$cache/src/cmsis6-5782d6f8/CMSIS/Core/Include" -c "$tmp/gen/model.c" -o "$tmp/m.o" \
        || fail "model.c"
    size=$(arm-none-eabi-size -A "$tmp/m.o")
    [[ $(awk '$1 == ".bss" {print $2}' <<< "$size") == 18000 ]] || fail "model.c's .bss is not the arena: $size"
    [[ -z $(awk '$1 == ".data" && $2 > 0' <<< "$size") ]] || fail "model.c has .data: $size"

    # an operator the engine does not take: one line, exit 1, nothing written
    "$cn_model" unsupported "$tmp/u.tflite" || fail "cn_model unsupported"
    "$mcb" generate "$tmp/u.tflite" --engine cmsis-nn -o "$tmp/u" > /dev/null 2> "$tmp/err.txt"
    [[ $? == 1 ]] || fail "an unsupported operator must exit 1"
    [[ $(wc -l < "$tmp/err.txt") == 1 ]] && grep -q "operator 0 (QUANTIZE): not supported by the cmsis-nn engine" "$tmp/err.txt" \
        || fail "expected one line about QUANTIZE: $(cat "$tmp/err.txt")"
    [[ -z $(ls -A "$tmp/u" 2>/dev/null) ]] || fail "a refused model must write nothing"

    # too big for the target: one line saying so, nothing written
    sed 's/^ram_size.*/ram_size = 0x4000/; s/^name.*/name = tiny/' "$src/targets/nrf52840.target" \
        > "$tmp/tiny.target"
    "$mcb" generate "$model" --engine cmsis-nn --target "$tmp/tiny.target" -o "$tmp/tiny" 2> "$tmp/err.txt"
    [[ $? == 1 ]] || fail "a model too big for the target must exit 1"
    [[ $(wc -l < "$tmp/err.txt") == 1 ]] && grep -q "does not fit: needs 22096 bytes of RAM" "$tmp/err.txt" \
        || fail "expected one line about RAM: $(cat "$tmp/err.txt")"
    [[ -z $(ls -A "$tmp/tiny" 2>/dev/null) ]] || fail "a model that does not fit must write nothing"

    # a corrupt copy of the archive: one line naming it, exit 1, no library and no sources
    mkdir "$tmp/fw"
    frameworks=${MCUBENCH_FRAMEWORKS:-$src/../shared/frameworks}
    cp "$frameworks/cmsis6-5782d6f8.tar.gz" "$tmp/fw/"
    head -c 100000 "$frameworks/cmsis-nn-4ab83cc3.tar.gz" > "$tmp/fw/cmsis-nn-4ab83cc3.tar.gz"
    MCUBENCH_FRAMEWORKS=$tmp/fw MCUBENCH_CACHE=$tmp/cache "$mcb" generate "$model" --engine cmsis-nn \
        -o "$tmp/corrupt" > /dev/null 2> "$tmp/err.txt"
    [[ $? == 1 ]] || fail "a corrupt archive must exit 1"
    [[ $(wc -l < "$tmp/err.txt") == 1 ]] && grep -q "cmsis-nn-4ab83cc3.tar.gz" "$tmp/err.txt" \
        || fail "expected one line naming the archive: $(cat "$tmp/err.txt")"
    [[ -z $(ls -A "$tmp/corrupt" 2>/dev/null) ]] || fail "a corrupt archive must leave no sources"
    [[ -z $(find "$tmp/cache" -name '*.a' 2>/dev/null) ]] || fail "a corrupt archive left a library"

    # a missing archive: the engine is unavailable, in one line naming archive and folder
    mkdir "$tmp/noframeworks"
    MCUBENCH_FRAMEWORKS=$tmp/noframeworks "$mcb" engines > "$tmp/eng.txt" || fail "engines"
    grep -q "^cmsis-nn .*unavailable" "$tmp/eng.txt" || fail "cmsis-nn not unavailable: $(cat "$tmp/eng.txt")"
    MCUBENCH_FRAMEWORKS=$tmp/noframeworks "$mcb" profile "$model" --engine cmsis-nn --images 1 \
        > /dev/null 2> "$tmp/err.txt"
    [[ $? == 1 ]] || fail "profile without the archive must exit 1"
    [[ $(wc -l < "$tmp/err.txt") == 1 ]] && grep -q "cmsis-nn-4ab83cc3.tar.gz" "$tmp/err.txt" \
        && grep -q "$tmp/noframeworks" "$tmp/err.txt" || fail "expected one line: $(cat "$tmp/err.txt")"
    ;;
*) fail "unknown case $case" ;;
esac
exit 0
