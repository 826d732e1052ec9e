#!/bin/bash
# 'mcubench fit' (docs/fit.md): CASE MCUBENCH SOURCE_DIR [ENGINE]
#   aot       mnist-conv16 fits nrf52840; flash, .data, .bss and arena equal profile's (2
#             images), the static stack bound is at least profile's measured peak and RAM too
#   engine E  the same comparison for a framework engine E (flash and static RAM equal; the
#             stack bound, when the analysis gives one, at least the measured peak)
#   nofit     on a 4 KB target: exit 1, "RAM over by N bytes" with N = RAM - 4096, one line on
#             stderr; --json says the same
#   errors    a corrupt model, a missing model, an unknown target: one line naming it, exit 1;
#             an unknown engine: exit 2
#   all       every engine with the frameworks missing: aot measured, the others listed as
#             unavailable (not dropped), exit 0, --json parses
set -u
CASE=$1
MCUBENCH=$2
SRC=$3
MODEL=$SRC/models/mnist-conv16-int8.tflite
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# field FILE KEY [INDEX]: an integer field of profile's JSON, or of fit's engines[INDEX]
field() {
    python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if len(sys.argv) > 3:
    d = d["engines"][int(sys.argv[3])]
v = d[sys.argv[2]]
print("null" if v is None else (str(v).lower() if isinstance(v, bool) else v))
EOF
}

# compare ENGINE: fit against profile on the same model and engine
compare() {
    local e=$1
    "$MCUBENCH" profile "$MODEL" --engine "$e" --images 2 --json > "$TMP/profile.json" ||
        fail "$e: profile failed"
    "$MCUBENCH" fit "$MODEL" --engine "$e" --json > "$TMP/fit.json" || fail "$e: fit failed"
    if [ "$e" = aot ]; then # the text too (the framework engines' C++ builds take seconds)
        "$MCUBENCH" fit "$MODEL" --engine "$e" > "$TMP/fit.txt" || fail "$e: fit (text) failed"
        cat "$TMP/fit.txt"
    fi
    for k in flash_bytes data_bytes bss_bytes arena_bytes; do
        p=$(field "$TMP/profile.json" $k)
        f=$(field "$TMP/fit.json" $k 0)
        echo "$e $k: profile $p, fit $f"
        [ "$p" = "$f" ] || fail "$e: $k: fit $f, profile $p"
    done
    ps=$(field "$TMP/profile.json" stack_bytes)
    fs=$(field "$TMP/fit.json" stack_bytes 0)
    bounded=$(field "$TMP/fit.json" stack_bounded 0)
    echo "$e stack: measured $ps, fit $fs (bounded: $bounded)"
    if [ "$bounded" = true ]; then
        [ "$fs" -ge "$ps" ] || fail "$e: the stack bound $fs is below the measured $ps"
        pr=$(field "$TMP/profile.json" ram_bytes)
        fr=$(field "$TMP/fit.json" ram_bytes 0)
        [ "$fr" -ge "$pr" ] || fail "$e: RAM $fr below the measured $pr"
        [ "$(field "$TMP/fit.json" status 0)" = fits ] || fail "$e: not 'fits'"
    else
        field "$TMP/fit.json" stack_caveat 0 | grep -q "^no static bound: .*not a bound$" ||
            fail "$e: unbounded, no caveat"
        [ "$(field "$TMP/fit.json" status 0)" = "fits, stack not bounded" ] ||
            fail "$e: status is not 'fits, stack not bounded'"
    fi
}

case $CASE in
aot)
    compare aot
    grep -q "^fits: " "$TMP/fit.txt" || fail "no 'fits:' line"
    # every frame of the C compiled for the firmware equals GCC's -fstack-usage
    [ "$(field "$TMP/fit.json" stack_su_functions 0)" -gt 10 ] || fail "few .su functions"
    [ "$(field "$TMP/fit.json" stack_su_differ 0)" = 0 ] || fail "frames differ from .su"
    ;;
engine)
    compare "$4"
    ;;
nofit)
    T=$SRC/tests/measure/nrf52-4k.target
    "$MCUBENCH" fit "$MODEL" --engine aot --target "$T" > "$TMP/out" 2> "$TMP/err"
    rc=$?
    cat "$TMP/out" "$TMP/err"
    [ $rc -eq 1 ] || fail "exit code $rc, not 1"
    [ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "not one line on stderr"
    "$MCUBENCH" fit "$MODEL" --engine aot --target "$T" --json > "$TMP/fit.json"
    [ $? -eq 1 ] || fail "--json: exit code not 1"
    ram=$(field "$TMP/fit.json" ram_bytes 0)
    over=$((ram - 4096))
    [ $over -gt 0 ] || fail "RAM $ram fits 4096 bytes: the case tests nothing"
    [ "$(field "$TMP/fit.json" ram_over_bytes 0)" = $over ] || fail "ram_over_bytes"
    [ "$(field "$TMP/fit.json" fits 0)" = false ] || fail "fits is not false"
    n=$(python3 -c "print(f'{$over:,}')") # as the text prints it
    grep -q "^does not fit: RAM over by $n bytes (needs " "$TMP/out" ||
        fail "no 'does not fit: RAM over by $n bytes' line"
    grep -q "flash over" "$TMP/out" && fail "flash said to be over"
    grep -q "RAM over by $over bytes" "$TMP/err" || fail "stderr does not say by how much"
    ;;
errors)
    head -c 300 "$MODEL" > "$TMP/cut.tflite"
    for m in "$TMP/cut.tflite" "$TMP/missing.tflite"; do
        "$MCUBENCH" fit "$m" --engine aot > "$TMP/out" 2> "$TMP/err"
        rc=$?
        cat "$TMP/err"
        [ $rc -eq 1 ] || fail "$m: exit code $rc, not 1"
        [ "$(wc -l < "$TMP/err")" -eq 1 ] || fail "$m: not one line"
        grep -q "$m" "$TMP/err" || fail "$m: the line does not name the file"
        [ -s "$TMP/out" ] && fail "$m: something on stdout"
    done
    "$MCUBENCH" fit "$MODEL" --engine nosuch 2> "$TMP/err"
    rc=$?
    cat "$TMP/err"
    [ $rc -eq 2 ] || fail "unknown engine: exit code $rc, not 2"
    grep -q "unknown engine 'nosuch'" "$TMP/err" || fail "unknown engine: message"
    "$MCUBENCH" fit "$MODEL" --target "$TMP/nosuch.target" 2> "$TMP/err"
    rc=$?
    cat "$TMP/err"
    [ $rc -eq 1 ] || fail "unknown target: exit code $rc, not 1"
    [ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q "nosuch.target" "$TMP/err" ||
        fail "unknown target: not one line naming it"
    "$MCUBENCH" fit 2> /dev/null
    [ $? -eq 2 ] || fail "no model: exit code not 2"
    "$MCUBENCH" fit "$MODEL" --bogus 2> /dev/null
    [ $? -eq 2 ] || fail "unknown option: exit code not 2"
    ;;
all)
    mkdir "$TMP/empty"
    MCUBENCH_FRAMEWORKS=$TMP/empty "$MCUBENCH" fit "$MODEL" > "$TMP/out" ||
        fail "exit code not 0"
    cat "$TMP/out"
    grep -q "^aot  .* fits$" "$TMP/out" || fail "aot does not fit"
    for e in tflm tflm-cmsis-nn cmsis-nn cmsis-nn-q7 utensor; do
        grep -q "^$e  *unavailable: .*not found in $TMP/empty" "$TMP/out" ||
            fail "$e not listed as unavailable"
    done
    MCUBENCH_FRAMEWORKS=$TMP/empty "$MCUBENCH" fit "$MODEL" --json > "$TMP/fit.json" ||
        fail "--json: exit code not 0"
    python3 - "$TMP/fit.json" <<'EOF' || fail "--json"
import json, sys
d = json.load(open(sys.argv[1]))
names = [e["engine"] for e in d["engines"]]
assert names == ["aot", "tflm", "tflm-cmsis-nn", "cmsis-nn", "cmsis-nn-q7", "utensor"], names
a = d["engines"][0]
assert a["status"] == "fits" and a["fits"] is True, a
assert a["ram_bytes"] == a["data_bytes"] + a["bss_bytes"] + a["stack_bytes"] + a["heap_bytes"]
assert a["flash_left_bytes"] == d["flash_size"] - a["flash_bytes"]
assert a["ram_left_bytes"] == d["ram_size"] - a["ram_bytes"]
assert a["stack_path"][0]["function"] == "Reset_Handler"
assert sum(f["frame_bytes"] for f in a["stack_path"]) == a["stack_bytes"]
for e in d["engines"][1:]:
    assert e["fits"] is None and e["why"], e
print("json ok")
EOF
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
echo PASS
