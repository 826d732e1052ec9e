#!/usr/bin/env bash
# The bounded instruction cache (docs/cycle-model.md): a 3 KB loop body thrashes a 2 KB 2-way
# LRU cache (every 16-byte line misses on each of the 10 passes) and fits a 4 KB one (only
# the first pass misses); each extra miss costs the wait states of its 4 fetch words.
# usage: icache.sh MCUBENCH SOURCE_DIR FIRMWARE_DIR
set -u
mcb=$1 src=$2 fw=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for kb in 2 4; do
  sed "s/^icache_size = .*/icache_size = $((kb * 1024))/; s/^name = .*/name = ic$kb/" \
    "$src/targets/nrf52840.target" > "$tmp/ic$kb.target"
  "$mcb" run "$fw/sim_icache_sweep.elf" --target "$tmp/ic$kb.target" --json > "$tmp/$kb.json" ||
    fail "run with a $kb KB cache"
done
python3 - "$tmp/2.json" "$tmp/4.json" <<'PY' || fail "icache figures"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
lines = 3072 // 16
print('2 KB:', a['icache_misses'], 'misses', a['total_cycles'], 'cycles;',
      '4 KB:', b['icache_misses'], 'misses', b['total_cycles'], 'cycles')
assert a['cycle_model'] == 'cm4-2', a['cycle_model']
assert a['icache_misses'] >= 10 * lines, a['icache_misses']      # every pass misses
assert b['icache_misses'] < lines + 200, b['icache_misses']      # first pass (and start-up)
extra = a['icache_misses'] - b['icache_misses']
diff = a['total_cycles'] - b['total_cycles']
assert 0.9 * 12 * extra <= diff <= 12 * extra, (diff, extra)      # 4 words x 3 wait states
assert a['icache_lookups'] == b['icache_lookups']
PY
# the geometry is required where it decides the misses, and checked
grep -v '^icache_size' "$src/targets/nrf52840.target" > "$tmp/nogeo.target"
"$mcb" run "$fw/hello.elf" --target "$tmp/nogeo.target" > /dev/null 2> "$tmp/err.txt" && fail "no geometry accepted"
grep -q "icache = 1 with flash wait states needs icache_size, icache_line and icache_ways" "$tmp/err.txt" ||
  fail "no geometry: $(cat "$tmp/err.txt")"
sed 's/^icache_line = .*/icache_line = 12/' "$src/targets/nrf52840.target" > "$tmp/bad.target"
"$mcb" run "$fw/hello.elf" --target "$tmp/bad.target" > /dev/null 2> "$tmp/err.txt" && fail "12-byte lines accepted"
grep -q "lines must be a power of two" "$tmp/err.txt" || fail "bad line: $(cat "$tmp/err.txt")"
echo "icache: ok"
