#!/usr/bin/env python3
"""Reference inv_freq / attention factors for the configs in Configs/, computed OUTSIDE the Swift library.

Each function below transcribes transformers v5 `modeling_rope_utils.py` (`_compute_*_parameters`) line by line,
with numpy in place of torch, twice:
  - "float64": the same formulas evaluated in float64 — what the Swift library must match to ~1e-12;
  - "float32": with transformers' own dtypes (float32 tensors for arange/pow/ramp/factors, Python floats for
    scalars) — what transformers itself outputs; the library must agree to 1e-6 relative.
Config resolution (head_dim, partial_rotary_factor, original_max_position_embeddings, factor defaults) follows
v5's standardize step as described in shared/ROPE-NOTES.md §2.

Run:  python3 make_transformers_reference.py > transformers_reference.json
"""
import json, math, os, sys
import numpy as np

CONFIGS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "Configs")

def resolve(cfg):
    rp = cfg.get("rope_parameters") or cfg.get("rope_scaling") or {}
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    prf = cfg.get("partial_rotary_factor", rp.get("partial_rotary_factor", 1.0))
    dim = int(head_dim * prf)
    base = rp.get("rope_theta", cfg.get("rope_theta"))
    rope_type = rp.get("rope_type", rp.get("type", "default"))
    orig = cfg.get("original_max_position_embeddings") or rp.get("original_max_position_embeddings") or cfg.get("max_position_embeddings")
    return rp, head_dim, dim, base, rope_type, orig

def exponents(dim, f):
    # torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    return np.arange(0, dim, 2).astype(f) / f(dim)

def default(dim, base, f):
    return f(1.0) / (f(base) ** exponents(dim, f)), 1.0

def linear(rp, dim, base, f):
    inv, _ = default(dim, base, f)
    return inv / f(rp["factor"]), 1.0

def ntk(rp, dim, base, f):
    base = base * rp["factor"] ** (dim / (dim - 2))
    return default(dim, base, f)

def dynamic(cfg, rp, dim, base, seq_len, f):
    maxpos = cfg["max_position_embeddings"]
    factor = rp["factor"]
    seq_len = maxpos if seq_len is None else max(seq_len, maxpos)
    base = base * ((factor * seq_len / maxpos) - (factor - 1)) ** (dim / (dim - 2))
    return default(dim, base, f)

def get_mscale(scale, mscale=1):
    return 1.0 if scale <= 1 else 0.1 * mscale * math.log(scale) + 1.0

def yarn(cfg, rp, dim, base, orig, f):
    factor = rp.get("factor") or cfg["max_position_embeddings"] / orig
    attention_factor = rp.get("attention_factor")
    mscale, mscale_all_dim = rp.get("mscale"), rp.get("mscale_all_dim")
    if attention_factor is None:
        if mscale and mscale_all_dim:
            attention_factor = float(get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim))
        else:
            attention_factor = get_mscale(factor)
    beta_fast = rp.get("beta_fast") or 32
    beta_slow = rp.get("beta_slow") or 1
    def corr_dim(rot):
        return (dim * math.log(orig / (rot * 2 * math.pi))) / (2 * math.log(base))
    low, high = corr_dim(beta_fast), corr_dim(beta_slow)
    if rp.get("truncate", True):
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    ramp = np.clip((np.arange(dim // 2).astype(f) - f(low)) / f(high - low), 0, 1)
    pos_freqs = f(base) ** exponents(dim, f)
    extrap = f(1.0) / pos_freqs
    interp = f(1.0) / (f(factor) * pos_freqs)
    w_extrap = f(1) - ramp
    return interp * (f(1) - w_extrap) + extrap * w_extrap, attention_factor

def longrope(cfg, rp, dim, base, orig, seq_len, f):
    factor = rp.get("factor") or cfg["max_position_embeddings"] / orig
    attention_factor = rp.get("attention_factor")
    if attention_factor is None:
        attention_factor = 1.0 if factor <= 1.0 else math.sqrt(1 + math.log(factor) / math.log(orig))
    ext = np.array(rp["long_factor"] if (seq_len and seq_len > orig) else rp["short_factor"], dtype=f)
    return f(1.0) / (ext * f(base) ** exponents(dim, f)), attention_factor

def llama3(rp, dim, base, orig, f):
    inv, _ = default(dim, base, f)
    factor, low_ff, high_ff = rp["factor"], rp["low_freq_factor"], rp["high_freq_factor"]
    old = rp["original_max_position_embeddings"]
    low_wl, high_wl = old / low_ff, old / high_ff
    wavelen = 2 * math.pi / inv
    out = np.where(wavelen > low_wl, inv / factor, inv)
    smooth = (old / wavelen - low_ff) / (high_ff - low_ff)
    smoothed = (1 - smooth) * out / factor + smooth * out
    medium = ~(wavelen < high_wl) & ~(wavelen > low_wl)
    return np.where(medium, smoothed, out).astype(f), 1.0

def compute(cfg, seq_len, f):
    rp, head_dim, dim, base, rope_type, orig = resolve(cfg)
    if rope_type == "default": return default(dim, base, f)
    if rope_type == "linear": return linear(rp, dim, base, f)
    if rope_type == "ntk": return ntk(rp, dim, base, f)
    if rope_type == "dynamic": return dynamic(cfg, rp, dim, base, seq_len, f)
    if rope_type == "yarn": return yarn(cfg, rp, dim, base, orig, f)
    if rope_type in ("longrope", "su"): return longrope(cfg, rp, dim, base, orig, seq_len, f)
    if rope_type == "llama3": return llama3(rp, dim, base, orig, f)
    raise ValueError(rope_type)

# The configs with one RoPE for every layer that these transcriptions were written for; the 2025-2026 families
# (per-layer-type RoPE, layers without RoPE, M-RoPE) are covered by make_transformers_placement.py.
FLAT_CONFIGS = ["deepseek-v2-lite-style.json", "deepseek-v3-style.json", "gpt-oss-20b.json", "llama-2-7b-dynamic.json",
                "llama-2-7b-linear.json", "llama-2-7b.json", "llama-3.1-8b-v5.json", "llama-3.1-8b.json",
                "mistral-nemo-head-dim.json", "phi-2-partial.json", "phi-3.5-mini-longrope.json", "qwen2.5-7b-yarn.json",
                "yarn-mscale-ratio.json"]
CASES = [(name, None) for name in FLAT_CONFIGS] + [
    ("llama-2-7b-dynamic.json", 8192), ("llama-2-7b-dynamic.json", 16384), ("llama-2-7b-dynamic.json", 3000),
    ("phi-3.5-mini-longrope.json", 4096), ("phi-3.5-mini-longrope.json", 4097), ("phi-3.5-mini-longrope.json", 131072),
]

out = []
for name, seq_len in CASES:
    cfg = json.load(open(os.path.join(CONFIGS, name)))
    rp, head_dim, dim, base, rope_type, orig = resolve(cfg)
    inv64, att64 = compute(cfg, seq_len, np.float64)
    inv32, att32 = compute(cfg, seq_len, np.float32)
    out.append({"config": name, "seq_len": seq_len, "rope_type": "longrope" if rope_type == "su" else rope_type,
                "head_dim": head_dim, "rotary_dim": dim,
                "float64": {"inv_freq": [float(x) for x in inv64], "attention_factor": float(att64)},
                "float32": {"inv_freq": [float(x) for x in inv32], "attention_factor": float(np.float32(att32))}})
json.dump({"source": "Tests/RoPETests/References/make_transformers_reference.py (numpy transcription of "
           "transformers v5 modeling_rope_utils.py)", "numpy": np.__version__, "cases": out}, sys.stdout, indent=1)
print()
