#!/usr/bin/env bash
# mcubench paper on a small sweep (two MNIST networks, aot, 2 images): every row ok with
# outputs checked, a rerun resumes without measuring, shards merged equal the single run,
# a failed cell is reported and the run goes on, bad options are one line, and the HTML
# report loads in headless Chromium with every figure and no console error.
# usage: paper_test.sh MCUBENCH SOURCE_DIR   (needs $MCUBENCH_DATA)
set -u
mcb=$1 src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sweep=(--datasets mnist --kernels 16,32 --engines aot --images 2)

"$mcb" paper "${sweep[@]}" --jobs 2 -o "$tmp/one" > "$tmp/out.txt" 2> "$tmp/err.txt" \
  || fail "paper: $(cat "$tmp/err.txt")"
grep -q "report: $tmp/one/report.html" "$tmp/out.txt" || fail "no report line: $(cat "$tmp/out.txt")"
for f in results.csv results.json report.md report.html sweep.txt \
         figures/ram.svg figures/ram.png figures/flash.svg figures/time.svg \
         figures/energy.svg figures/current.svg figures/current.png; do
  [[ -s $tmp/one/$f ]] || fail "$f missing"
done
[[ $(wc -l < "$tmp/one/results.csv") == 3 ]] || fail "expected 2 rows: $(cat "$tmp/one/results.csv")"
# every row: ok, outputs matched, figures present (the columns by name)
/usr/bin/python3 - "$tmp/one/results.csv" "$tmp/one/results.json" <<'PY' || fail "rows"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
js = json.load(open(sys.argv[2]))
assert len(js) == len(rows) == 2, len(rows)
for r, j in zip(rows, js):
    assert r["status"] == "ok" and r["outputs_match"] == "1", r
    assert r["engine"] == "aot" and r["conditions"] == "fair" and r["regulator"] == "dcdc"
    assert r["opt"] == "-O2" and r["icache"] == "1" and r["cycle_model"]
    assert float(r["cycles_min"]) <= float(r["cycles_mean"]) <= float(r["cycles_max"])
    assert len(r["image_cycles"].split(";")) == 2
    assert int(r["ram_bytes"]) > int(r["arena_bytes"]) > 0
    assert int(r["flash_bytes"]) == int(r["weight_bytes"]) + int(r["code_bytes"])
    assert 0.98 < float(r["quant_accuracy"]) <= 1 and 0.98 < float(r["float_accuracy"]) <= 1
    assert j["cycles_mean"] == float(r["cycles_mean"]) and j["status"] == "ok"
    assert "-O2" in r["build_flags"] and "TMP" not in r["model"]
    assert r["layers"].count(";") >= 3
PY
grep -q "| mnist-conv16 | aot | fair |" "$tmp/one/report.md" || fail "Table 3 row missing"
grep -q "Table 2" "$tmp/one/report.md" || fail "Table 2 missing"

# resume: nothing is measured again (the cells keep their bytes and times)
stamp=$(stat -c %Y.%s "$tmp"/one/cells/*)
sleep 1
"$mcb" paper "${sweep[@]}" -o "$tmp/one" > /dev/null 2>&1 || fail "resume"
[[ $(stat -c %Y.%s "$tmp"/one/cells/*) == "$stamp" ]] || fail "a finished cell was measured again"
# another sweep into the same folder is refused, one line
"$mcb" paper --datasets mnist --kernels 16,32 --engines aot --images 3 -o "$tmp/one" > /dev/null 2> "$tmp/err.txt"
[[ $? == 1 && $(wc -l < "$tmp/err.txt") == 1 ]] && grep -q "another sweep" "$tmp/err.txt" \
  || fail "another sweep in the same folder: $(cat "$tmp/err.txt")"

# kill -9 in the middle loses at most the cells in flight; the rerun completes the same rows
"$mcb" paper "${sweep[@]}" --jobs 1 -o "$tmp/killed" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [[ -e $tmp/killed/cells/mnist-conv16.aot.fair ]] && break
  sleep 0.1
done
kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
"$mcb" paper "${sweep[@]}" -o "$tmp/killed" > /dev/null 2>&1 || fail "rerun after kill -9"
cmp -s "$tmp/one/results.csv" "$tmp/killed/results.csv" || fail "rerun after kill -9 differs"
ls -a "$tmp/killed/cells" | grep -q tmp && fail "temporary file left in cells/"

# shards, merged, equal the single run
"$mcb" paper "${sweep[@]}" --shard 1/2 -o "$tmp/s1" > /dev/null 2>&1 || fail "shard 1"
"$mcb" paper "${sweep[@]}" --shard 2/2 -o "$tmp/s2" > /dev/null 2>&1 || fail "shard 2"
grep -q ",missing," "$tmp/s1/results.csv" || fail "a shard alone must show the other's cells as missing"
"$mcb" merge "$tmp/s1" "$tmp/s2" -o "$tmp/merged" > /dev/null 2> "$tmp/err.txt" \
  || fail "merge: $(cat "$tmp/err.txt")"
for f in results.csv results.json report.md; do
  cmp -s "$tmp/one/$f" "$tmp/merged/$f" || fail "merged $f differs from the single run's"
done
"$mcb" merge "$tmp/s1" "$tmp/one/cells" -o "$tmp/m2" > /dev/null 2> "$tmp/err.txt"
[[ $? == 1 && $(wc -l < "$tmp/err.txt") == 1 ]] || fail "merge of a non-sweep folder: $(cat "$tmp/err.txt")"

# a failed cell: a zoo whose mnist-conv32 int8 model is corrupt; the run goes on
mkdir "$tmp/zoo"
cp "$src"/models/mnist-conv16*.tflite "$src/models/manifest.json" "$tmp/zoo/"
head -c 2000 "$src/models/mnist-conv32-int8.tflite" > "$tmp/zoo/mnist-conv32-int8.tflite"
cp "$src/models/mnist-conv32.tflite" "$tmp/zoo/"
"$mcb" paper "${sweep[@]}" --models "$tmp/zoo" -o "$tmp/bad" > /dev/null 2> "$tmp/err.txt"
[[ $? == 1 ]] || fail "a failed cell must exit 1"
grep -q "^mnist-conv16,.*,ok," "$tmp/bad/results.csv" || fail "the good cell must still run"
grep -q "^mnist-conv32,.*,failed,.*mnist-conv32-int8.tflite" "$tmp/bad/results.csv" \
  || fail "the failed cell must say why: $(grep conv32 "$tmp/bad/results.csv" | head -c 600)"
grep -q "mnist-conv32 on aot (fair): failed" "$tmp/bad/report.md" || fail "report must list the failed cell"

# bad usage: one line, exit 2
for args in "--kernels 17" "--datasets imagenet" "--engines nope" "--conditions unfair" \
            "--shard 3/2" "--images 0" "--bogus"; do
  "$mcb" paper $args -o "$tmp/x" > /dev/null 2> "$tmp/err.txt"
  [[ $? == 2 && $(wc -l < "$tmp/err.txt") -le 2 ]] || fail "paper $args: $(cat "$tmp/err.txt")"
  [[ ! -e $tmp/x ]] || fail "paper $args wrote $tmp/x"
done

# the HTML in a real browser: it loads, every figure is an inline SVG, no console error
if command -v chromium > /dev/null; then
  out=$(HOME=$tmp timeout 120 chromium --headless --no-sandbox --disable-gpu \
        --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
        --dump-dom "file://$tmp/one/report.html" 2> "$tmp/chromium.txt")
  [[ $(grep -o "<svg" <<< "$out" | wc -l) -ge 5 ]] || fail "report.html: fewer than 5 figures rendered"
  grep -q "Table 3: MNIST" <<< "$out" || fail "report.html: Table 3 missing in the DOM"
  if grep -E "CONSOLE|Uncaught|Failed to load resource" "$tmp/chromium.txt"; then
    fail "report.html: console errors in Chromium"
  fi
else
  fail "chromium is not installed (scripts/deps.txt)"
fi
echo "paper: ok"
