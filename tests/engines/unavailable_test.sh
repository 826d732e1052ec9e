#!/bin/sh
# A framework engine whose archive is missing: 'mcubench engines' says which archive and where, and
# profile fails with one line naming the archive and the folder, exit code 1.
set -u
MCUBENCH=$1
MODEL=$2
EMPTY=$(mktemp -d)
trap 'rm -rf "$EMPTY"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

out=$(MCUBENCH_FRAMEWORKS=$EMPTY "$MCUBENCH" engines 2>&1) || fail "engines exited non-zero"
echo "$out"
echo "$out" | grep -q "^aot  *available" || fail "aot not available"
for e in tflm tflm-cmsis-nn; do
    echo "$out" | grep -q "^$e  *unavailable" || fail "$e: not unavailable"
    echo "$out" | grep -A1 "^$e " | grep -q "tflite-micro-90b983c2.tar.gz not found in $EMPTY" ||
        fail "$e: no line naming the archive and $EMPTY"
    err=$(MCUBENCH_FRAMEWORKS=$EMPTY "$MCUBENCH" profile "$MODEL" --engine $e --images 1 2>&1 >/dev/null)
    rc=$?
    echo "$err"
    [ $rc -eq 1 ] || fail "$e: exit code $rc, not 1"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "$e: more than one line"
    echo "$err" | grep -q "tflite-micro-90b983c2.tar.gz not found in $EMPTY" || fail "$e: message"
done
echo PASS
