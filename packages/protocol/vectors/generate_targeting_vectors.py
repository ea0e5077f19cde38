#!/usr/bin/env python3
"""Writes targeting.json: holdout, layer (namespace), condition, coverage and stop answers that every
Edgewise SDK and server must reproduce; and contextual.json: contextual experiments' answers per
device class.

    python3 packages/protocol/vectors/generate_targeting_vectors.py

Standard library only. It also runs its reference condition evaluator over conditions.json and stops
if it disagrees, so the Python below, condition.ts and the vectors say the same thing. The rules are
documented in packages/sdk/docs/assignment.md ("5. Targeting, holdouts and layers").
"""

import json
import random
from pathlib import Path

from generate_assignment_vectors import bucket_ranges, hash_to_unit, to_json, user_ids

HERE = Path(__file__).parent
OUT = HERE / "targeting.json"
MISSING = object()

# ---- the condition language (the reference for packages/protocol/src/condition.ts) ----


def is_num(v):
    return type(v) in (int, float)  # bool is an int in Python; in JSON it is not a number


def same(a, b):
    if b is None:
        return a is None or a is MISSING
    if a is MISSING or a is None:
        return False
    if is_num(a) and is_num(b):
        return a == b
    return type(a) is type(b) and a == b


def equals(value, operand):
    return any(same(v, operand) for v in value) if isinstance(value, list) else same(value, operand)


def lookup(attributes, path):
    if path in attributes:
        return attributes[path]
    value = attributes
    for step in path.split("."):
        if not isinstance(value, dict) or step not in value:
            return MISSING
        value = value[step]
    return value


def parse_version(text):
    import re

    m = re.fullmatch(r"v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?",
                     text.strip())
    if not m:
        return None
    pre = [int(p) if p.isdigit() else p for p in m.group(4).split(".")] if m.group(4) else []
    return [int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)], pre


def compare_versions(a, b):
    if a[0] != b[0]:
        return -1 if a[0] < b[0] else 1
    pa, pb = a[1], b[1]
    if not pa or not pb:
        return 0 if not pa and not pb else (1 if not pa else -1)
    for x, y in zip(pa, pb):
        if x == y:
            continue
        if type(x) is int and type(y) is int:
            return -1 if x < y else 1
        if type(x) is int:
            return -1
        if type(y) is int:
            return 1
        return -1 if x < y else 1
    return (len(pa) > len(pb)) - (len(pa) < len(pb))


def test_field(value, test):
    if not isinstance(test, dict):
        return equals(value, test)
    for op, operand in test.items():
        if op == "$eq":
            ok = equals(value, operand)
        elif op == "$ne":
            ok = not equals(value, operand)
        elif op in ("$in", "$nin"):
            values = value if isinstance(value, list) else [value]
            hit = any(v is not MISSING and any(same(v, item) for item in operand) for v in values)
            ok = hit if op == "$in" else not hit
        elif op == "$exists":
            ok = (value is not MISSING and value is not None) == operand
        elif op.startswith("$v"):
            left = parse_version(value) if isinstance(value, str) else None
            right = parse_version(operand)
            if left is None or right is None:
                ok = False
            else:
                c = compare_versions(left, right)
                ok = {"$veq": c == 0, "$vne": c != 0, "$vgt": c > 0, "$vgte": c >= 0, "$vlt": c < 0,
                      "$vlte": c <= 0}[op]
        else:
            comparable = (is_num(value) and is_num(operand)) or (type(value) is str and type(operand) is str)
            ok = comparable and {"$gt": lambda: value > operand, "$gte": lambda: value >= operand,
                                 "$lt": lambda: value < operand, "$lte": lambda: value <= operand}[op]()
        if not ok:
            return False
    return True


def evaluate_condition(condition, attributes):
    for key, test in condition.items():
        if key == "$and":
            ok = all(evaluate_condition(c, attributes) for c in test)
        elif key == "$or":
            ok = any(evaluate_condition(c, attributes) for c in test)
        elif key == "$not":
            ok = not evaluate_condition(test, attributes)
        else:
            ok = test_field(lookup(attributes, key), test)
        if not ok:
            return False
    return True


# ---- targeting: the order every SDK and server checks in ----


def held_out(user_id, holdout):
    return holdout is not None and hash_to_unit(user_id, "holdout:" + holdout["seed"]) < holdout["share"]


def in_namespace(user_id, namespace):
    start, end = namespace["range"]
    return start <= hash_to_unit(user_id, "ns:" + namespace["name"]) < end


def outside(reason):
    return {"arm": None, "index": 0, "inExperiment": False, "reason": reason, "probability": 1}


def assign(user_id, experiment, attributes, holdout, device_class=None):
    arms = experiment["arms"]
    control = arms[0]["name"]
    result = None
    if experiment.get("stopped"):
        result = outside("stopped")
    elif held_out(user_id, holdout):
        result = outside("holdout")
    elif "namespace" in experiment and not in_namespace(user_id, experiment["namespace"]):
        result = outside("namespace")
    elif "condition" in experiment and not evaluate_condition(experiment["condition"], attributes):
        result = outside("condition")
    else:
        by_class = (experiment.get("contextWeights") or {}).get(device_class) \
            if experiment["type"] == "contextual" else None
        weights = by_class or experiment.get("policyWeights") or [arm["weight"] for arm in arms]
        if experiment["type"] in ("bandit", "contextual"):
            # A stopped bandit arm gets nobody: its weight is 0 before the ranges are cut.
            weights = [0 if arm.get("stopped") else w for arm, w in zip(arms, weights)]
        shares, ranges = bucket_ranges(weights, experiment.get("coverage", 1.0))
        unit = hash_to_unit(user_id, experiment["seed"])
        index = next((i for i, (s, e) in enumerate(ranges) if s <= unit < e), -1)
        if index < 0:
            result = outside("coverage")
        elif arms[index].get("stopped"):
            # An A/B arm keeps its range, so nobody else moves; its users run control, unlogged.
            result = outside("stopped")
        else:
            result = {"arm": arms[index]["name"], "index": index, "inExperiment": True, "reason": "assigned",
                      "probability": shares[index]}
    result["arm"] = result["arm"] or control
    return result


def check_conditions():
    cases = json.loads((HERE / "conditions.json").read_text(encoding="utf-8"))["valid"]
    for case in cases:
        got = evaluate_condition(case["condition"], case["attributes"])
        if got != case["expected"]:
            raise SystemExit(f"conditions.json disagrees with the Python reference: {case['name']}: {got}")
    return len(cases)


def arms(*weights, stopped=()):
    out = []
    for i, w in enumerate(weights):
        arm = {"name": "control" if i == 0 else f"arm-{i}", "model": "m", "version": f"{i + 1}.0.0", "weight": w}
        if i in stopped:
            arm["stopped"] = {"at": 1764000000000, "by": "guardrail", "reason": "error_rate above 5%",
                              "metric": "error_rate"}
        out.append(arm)
    return out


def served(key, type_, seed, arm_list, **extra):
    return {"key": key, "type": type_, "seed": seed, "arms": arm_list, "policyVersion": 1, "policyWeights": None,
            **({"policy": "thompson"} if type_ == "bandit" else {}), **extra}


def main():
    checked = check_conditions()
    holdout = {"share": 0.1, "seed": "global-2026"}
    experiments = [
        served("layer-a", "ab", "layer-a", arms(0.5, 0.5), namespace={"name": "checkout", "range": [0, 0.3]}),
        served("layer-b", "ab", 17, arms(0.25, 0.25, 0.5), namespace={"name": "checkout", "range": [0.3, 0.7]}),
        served("layer-c", "bandit", "layer-c", arms(0.4, 0.6), namespace={"name": "checkout", "range": [0.7, 1.0]}),
        served("targeted", "ab", "targeted", arms(0.5, 0.5), condition={
            "country": {"$in": ["DE", "FR"]},
            "appVersion": {"$vgte": "2.4.0"},
            "$or": [{"plan": "pro"}, {"device.class": {"$ne": "low"}}],
        }),
        served("half", "ab", 2026, arms(0.5, 0.5), coverage=0.5),
        served("ab-stopped-arm", "ab", "ab-stop", arms(0.2, 0.3, 0.5, stopped=(1,))),
        served("bandit-stopped-arm", "bandit", "bandit-stop", arms(0.25, 0.25, 0.5, stopped=(1,))),
        served("stopped", "ab", "stopped", arms(0.5, 0.5),
               stopped={"at": 1764000000000, "by": "admin", "reason": "shipped arm-1"}),
    ]

    rng = random.Random(20261202)
    countries = ["DE", "FR", "US", "BR", None]
    versions = ["2.3.9", "2.4.0", "2.4.0-beta.1", "2.10.1", "3.0.0", None]
    cases = []
    for user_id in user_ids(rng, 300):
        attributes = {}
        country, version = rng.choice(countries), rng.choice(versions)
        if country:
            attributes["country"] = country
        if version:
            attributes["appVersion"] = version
        attributes["plan"] = rng.choice(["free", "pro"])
        if rng.random() < 0.8:
            attributes["device"] = {"class": rng.choice(["low", "mid", "high"])}
        expected = {e["key"]: assign(user_id, e, attributes, holdout) for e in experiments}
        for e in expected.values():
            del e["index"]
        cases.append({"userId": user_id, "attributes": attributes, "expected": expected})

    reasons = {r["reason"] for c in cases for r in c["expected"].values()}
    missing = {"assigned", "holdout", "namespace", "condition", "coverage", "stopped"} - reasons
    if missing:
        raise SystemExit(f"no case has reason {missing}; change the seed or the experiments")
    for c in cases:
        ranges = [in_namespace(c["userId"], e["namespace"]) for e in experiments if "namespace" in e]
        assert sum(ranges) == 1, "a user is in two experiments of one layer, or in none"

    data = {"generator": "packages/protocol/vectors/generate_targeting_vectors.py", "holdout": holdout,
            "experiments": experiments, "cases": cases}
    OUT.write_text(to_json(data) + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}: {len(experiments)} experiments, {len(cases)} cases; "
          f"checked {checked} conditions.json cases")
    write_contextual(rng)


DEVICE_CLASSES = ["webgpu-f16", "webgpu", "wasm-8-cores", "wasm-4-cores", "wasm-2-cores", "mobile-webgpu",
                  "mobile-wasm"]


def write_contextual(rng):
    """contextual.json: a device class's weights decide (a class without its own uses policyWeights)."""
    base = arms(1, 1, 1)
    weights = {"webgpu-f16": [0.05, 0.9, 0.05], "webgpu": [0.2, 0.6, 0.2], "wasm-2-cores": [0.01, 0.01, 0.98],
               "wasm-4-cores": [0.3, 0.3, 0.4]}
    experiments = [
        served("by-device", "contextual", "by-device", base, policyWeights=[0.4, 0.3, 0.3], contextWeights=weights),
        served("by-device-stopped-arm", "contextual", 41, arms(1, 1, 1, stopped=(1,)),
               policyWeights=[0.4, 0.3, 0.3], contextWeights=weights),
        served("by-device-no-policy-yet", "contextual", "fresh", arms(1, 3, 1)),
    ]
    cases = []
    for user_id in user_ids(rng, 200):
        device_class = rng.choice(DEVICE_CLASSES + [None])
        expected = {e["key"]: assign(user_id, e, {}, None, device_class) for e in experiments}
        for e in expected.values():
            del e["index"]
        cases.append({"userId": user_id, **({"deviceClass": device_class} if device_class else {}),
                      "expected": expected})
    out = HERE / "contextual.json"
    data = {"generator": "packages/protocol/vectors/generate_targeting_vectors.py", "experiments": experiments,
            "cases": cases}
    out.write_text(to_json(data) + "\n", encoding="utf-8")
    print(f"wrote {out.name}: {len(experiments)} experiments, {len(cases)} cases")


if __name__ == "__main__":
    main()
