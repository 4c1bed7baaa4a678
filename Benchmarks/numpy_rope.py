#!/usr/bin/env python3
"""What a Python user would write: RoPE on a [tokens, heads, 128] float32 array with precomputed cos/sin.

Prints `numpy: LAYOUT SECONDS` (best of --repeats) for both layouts. The cos/sin tables are computed once,
outside the timing, as a user would cache them; the Swift kernel computes its tables inside its timing.
"""
import argparse
import time

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--tokens", type=int, default=4096)
parser.add_argument("--heads", type=int, default=32)
parser.add_argument("--repeats", type=int, default=7)
args = parser.parse_args()

d = 128
rng = np.random.default_rng(1)
x = rng.uniform(-1, 1, size=(args.tokens, args.heads, d)).astype(np.float32)
inv_freq = 1.0 / (10000 ** (np.arange(0, d, 2, dtype=np.float64) / d))
angles = np.arange(args.tokens, dtype=np.float64)[:, None] * inv_freq[None, :]
cos = np.cos(angles).astype(np.float32)[:, None, :]     # [tokens, 1, d/2], broadcast over heads
sin = np.sin(angles).astype(np.float32)[:, None, :]


def half(x):
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=-1)


def interleaved(x):
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = x1 * cos - x2 * sin
    out[..., 1::2] = x2 * cos + x1 * sin
    return out


for name, fn in [("half", half), ("interleaved", interleaved)]:
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        fn(x)
        best = min(best, time.perf_counter() - start)
    print(f"numpy: {name} {best:.6f}")
