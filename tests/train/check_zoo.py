#!/usr/bin/python3
"""Checks the trained zoo: models/manifest.json holds all ten networks of the paper family (as
'mcubench models --json' derives it from family.h), each float model at least Table 2's accuracy
and its int8 model within 0.5 points of it (MNIST) or 1.0 point (CIFAR-10); re-evaluates
models/mnist-conv16.tflite and models/mnist-conv16-int8.tflite to the manifest's accuracies.
Exit 77 (skipped) when no zoo has been built yet.

usage: check_zoo.py MCUBENCH REPO_ROOT"""
import json
import os
import subprocess
import sys

mcb, root = sys.argv[1], sys.argv[2]
manifest_path = os.path.join(root, "models", "manifest.json")
if not os.path.exists(manifest_path):
    print("no models/manifest.json yet: skipped")
    sys.exit(77)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


family = {f["name"]: f for f in json.loads(subprocess.check_output([mcb, "models", "--json"]))}
paper = {}
with open(os.path.join(root, "..", "shared", "paper", "table2_accuracy.csv")) as fh:
    next(fh)
    for line in fh:
        ds, k, params, acc = line.strip().split(",")
        paper[f"{ds}-conv{k}"] = float(acc)

man = json.load(open(manifest_path))
check(isinstance(man, list) and man, "manifest is a non-empty array")
keys = ["name", "dataset", "kernels", "params", "epochs", "batch", "seed", "float_accuracy",
        "train_seconds"]
seen = set()
for m in man:
    name = m.get("name")
    check(all(k in m for k in keys), f"{name}: has all of {keys}")
    check(name in family, f"{name}: a network of the paper family")
    check(name not in seen, f"{name}: listed once")
    seen.add(name)
    if name not in family:
        continue
    f = family[name]
    for k in ("dataset", "kernels", "params"):
        check(m.get(k) == f[k], f"{name}: {k} {m.get(k)} equals family.h's {f[k]}")
    check(all(isinstance(m.get(k), int) and m[k] >= 0 for k in ("epochs", "batch", "seed")),
          f"{name}: epochs, batch, seed are integers")
    acc = m.get("float_accuracy", -1)
    check(0 <= acc <= 1, f"{name}: accuracy is a fraction")
    check(acc >= paper[name], f"{name}: float accuracy {acc} >= Table 2's {paper[name]}")
    check(m.get("train_seconds", 0) > 0, f"{name}: train_seconds > 0")
    check(os.path.exists(os.path.join(root, "models", name + ".tflite")), f"{name}: .tflite present")
    check(os.path.exists(os.path.join(root, "models", name + "-int8.tflite")),
          f"{name}: -int8.tflite present")
    q = m.get("int8_accuracy", -1)
    tol = 0.005 if m.get("dataset") == "mnist" else 0.010
    check(0 <= q <= 1 and acc - q <= tol + 1e-9,
          f"{name}: int8 accuracy {q} within {100 * tol:.1f} points of the float {acc}")
check(seen == set(family), f"all ten networks are in the zoo (missing: {sorted(set(family) - seen)})")

m16 = {m["name"]: m for m in man}.get("mnist-conv16", {})
for file, key in (("mnist-conv16.tflite", "float_accuracy"), ("mnist-conv16-int8.tflite", "int8_accuracy")):
    path = os.path.join(root, "models", file)
    if key not in m16 or not os.path.exists(path):
        check(False, f"{file} and the manifest's {key} of mnist-conv16 exist")
        continue
    out = subprocess.run([mcb, "eval", path, "--dataset", "mnist", "--json"], capture_output=True,
                         text=True)
    check(out.returncode == 0, f"mcubench eval {file} succeeds: " + out.stderr.strip())
    if out.returncode == 0:
        ev = json.loads(out.stdout)
        check(ev["images"] == 10000, f"{file}: evaluated on all 10,000 test images")
        check(ev["accuracy"] == m16[key],
              f"{file}: re-evaluated accuracy {ev['accuracy']} equals the manifest's {m16[key]}")
        print(f"{file}: re-evaluated {ev['accuracy']}, manifest {m16[key]}")
print(f"{len(man)} zoo entries checked, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
