#!/usr/bin/env python3
"""Writes assignment.json: the reference answers every Edgewise SDK and server must reproduce.

    python3 packages/protocol/vectors/generate_assignment_vectors.py

Only the standard library (hashlib) is used, so any backend team can rerun it. The functions below are
the reference definitions documented in packages/sdk/docs/assignment.md.
"""

import hashlib
import json
import random
from pathlib import Path

OUT = Path(__file__).with_name("assignment.json")
BUCKETS = 10_000


def assign_to_group(user_id: str, split_ratio: float = 0.5, seed=42) -> str:
    """The original reference: 'B' if md5(f"{user_id}_{seed}") as an integer % 100 < split_ratio * 100."""
    h = int(hashlib.md5(f"{user_id}_{seed}".encode("utf-8")).hexdigest(), 16) % 100
    return "B" if h < split_ratio * 100 else "A"


def hash_bucket(user_id: str, seed) -> int:
    """First 8 hex digits (4 bytes, big-endian) of md5(f"{seed}:{user_id}") as an integer, mod 10000."""
    return int(hashlib.md5(f"{seed}:{user_id}".encode("utf-8")).hexdigest()[:8], 16) % BUCKETS


def hash_to_unit(user_id: str, seed) -> float:
    return hash_bucket(user_id, seed) / BUCKETS


def bucket_ranges(weights, coverage=1.0):
    # A plain loop, not sum(): Python 3.12+ sum() of floats is compensated and can differ in the last bit.
    total = 0.0
    for w in weights:
        total += w
    shares = [w / total for w in weights]
    ranges, cumulative = [], 0.0
    for share in shares:
        start = cumulative
        cumulative += share
        ranges.append((start, start + coverage * share))
    return shares, ranges


def assign_arm(user_id: str, seed, weights, coverage=1.0):
    shares, ranges = bucket_ranges(weights, coverage)
    unit = hash_to_unit(user_id, seed)
    for i, (start, end) in enumerate(ranges):
        if start <= unit < end:
            return {"index": i, "probability": shares[i], "inExperiment": True}
    return {"index": 0, "probability": 1, "inExperiment": False}


def user_ids(rng: random.Random, n: int):
    """A mix of the ids real products use, including non-ASCII ones (hashed as UTF-8)."""
    makers = [
        lambda i: f"user-{i}",
        lambda i: str(i),
        lambda i: "%08x-%04x-4%03x-%04x-%012x"
        % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), (rng.getrandbits(16) & 0x3FFF) | 0x8000,
           rng.getrandbits(48)),
        lambda i: f"person{i}@example.com",
        lambda i: f"用户-{i}",
        lambda i: f"josé_müller_{i}",
        lambda i: f"🎲{i}🚀",
        lambda i: f"Ωμέγα {i}",
    ]
    return [makers[i % len(makers)](i) for i in range(n)]


def to_json(value, indent: int = 0) -> str:
    """json.dumps(indent=2) with lists of numbers on one line, which is how Biome formats JSON."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {to_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + to_json(v, indent + 1) for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def main() -> None:
    rng = random.Random(20240605)
    ids = user_ids(rng, 1600)

    md5_cases = [
        {"input": s, "hex": hashlib.md5(s.encode("utf-8")).hexdigest()}
        for s in ["", "a", "abc", "message digest", "x" * 55, "x" * 56, "x" * 64, "y" * 1000, "用户_42", "🎲_7"]
    ]

    seeds = [42, 0, 7, 2024, 123456789, "checkout-v2"]
    splits = [0.5, 0.1, 0.29, 0.33, 0.57, 0.9, 0.01, 0.0, 1.0, 0.125]
    group_cases = []
    for i, user_id in enumerate(ids[:1200]):
        seed = seeds[i % len(seeds)]
        split = splits[(i // len(seeds)) % len(splits)]
        h = int(hashlib.md5(f"{user_id}_{seed}".encode("utf-8")).hexdigest(), 16) % 100
        group_cases.append(
            {"userId": user_id, "splitRatio": split, "seed": seed, "mod100": h,
             "group": assign_to_group(user_id, split, seed)}
        )
    # Ratios whose float product lands just off the integer (0.07 * 100 = 7.000000000000001,
    # 0.29 * 100 = 28.999999999999996), with users hashing exactly onto that integer: an
    # implementation that rounds, or uses exact decimals, puts these users in the other group.
    for split in [0.07, 0.14, 0.28, 0.55, 0.56, 0.29, 0.57, 0.58]:
        target, found, n = round(split * 100), 0, 0
        while found < 8:
            user_id = f"edge-{split}-{n}"
            n += 1
            if int(hashlib.md5(f"{user_id}_42".encode("utf-8")).hexdigest(), 16) % 100 == target:
                group_cases.append(
                    {"userId": user_id, "splitRatio": split, "seed": 42, "mod100": target,
                     "group": assign_to_group(user_id, split, 42)}
                )
                found += 1
    # The defaults (split 0.5, seed 42) on their own, as most callers use them.
    defaults_cases = [{"userId": u, "group": assign_to_group(u)} for u in ids[1200:1400]]

    unit_cases = [
        {"userId": u, "seed": seeds[i % len(seeds)], "bucket": hash_bucket(u, seeds[i % len(seeds)]),
         "unit": hash_to_unit(u, seeds[i % len(seeds)])}
        for i, u in enumerate(ids[:600])
    ]

    experiments = [
        {"seed": "iris-ab", "weights": [1, 1], "coverage": 1.0},
        {"seed": 99, "weights": [0.5, 0.3, 0.2], "coverage": 1.0},
        {"seed": "bandit-7", "weights": [0.1, 0.7, 0.15, 0.05], "coverage": 1.0},
        {"seed": 5, "weights": [2, 1, 1], "coverage": 0.3},
        {"seed": "holdout", "weights": [1, 3], "coverage": 0.85},
        {"seed": 11, "weights": [0, 1, 1], "coverage": 1.0},
    ]
    arm_cases = []
    for e, exp in enumerate(experiments):
        for u in ids[e * 100 : e * 100 + 150]:
            result = assign_arm(u, exp["seed"], exp["weights"], exp["coverage"])
            arm_cases.append({"experiment": e, "userId": u, **result})

    data = {
        "generator": "packages/protocol/vectors/generate_assignment_vectors.py",
        "md5": md5_cases,
        "assignToGroup": group_cases,
        "assignToGroupDefaults": defaults_cases,
        "hashToUnit": unit_cases,
        "experiments": experiments,
        "assignArm": arm_cases,
    }
    OUT.write_text(to_json(data) + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}: {len(group_cases) + len(defaults_cases)} assignToGroup, "
          f"{len(unit_cases)} hashToUnit, {len(arm_cases)} assignArm vectors")


if __name__ == "__main__":
    main()
