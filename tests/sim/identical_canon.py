"""What identical.sh compares of one `mcubench run --json` (issue 11, item 7): the simulated
numbers, output and fault; for a run that faults before any JSON, its one line without the
firmware's path. usage: identical_canon.py JSON_OUT STDERR RC ELF -> one JSON line"""
import json
import sys

KEYS = ['ok', 'fault', 'exit_code', 'stdout', 'stdout_truncated', 'cycles', 'instructions',
        'total_cycles', 'total_instructions', 'ram_bytes', 'stack_bytes', 'heap_bytes',
        'unmatched_markers', 'cycle_model', 'icache_lookups', 'icache_misses', 'regions']

out, err, rc, elf = sys.argv[1:]
try:
    d = json.load(open(out))
    canon = {k: d.get(k) for k in KEYS}
except ValueError:
    canon = {'rc': int(rc), 'error': open(err).read().strip().replace(elf, 'FIRMWARE')}
print(json.dumps(canon, sort_keys=True))
