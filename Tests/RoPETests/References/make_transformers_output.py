#!/usr/bin/env python3
"""inv_freq and attention factor as transformers itself computes them (partly in float32), for every config in
Configs/ and the sequence-length cases of make_transformers_reference.py.

Needs torch and transformers (not needed by the tests, which read the committed JSON). Produced with
transformers 5.23.0 and torch 2.15.0 from PyPI, in a virtual environment:

    python3 -m venv --system-site-packages /tmp/tfenv
    /tmp/tfenv/bin/pip install torch transformers
    /tmp/tfenv/bin/python make_transformers_output.py > transformers_output.json

Scaled types go through transformers' own ROPE_INIT_FUNCTIONS; plain RoPE through the model's rotary-embedding
class (`compute_default_rope_parameters`), as the model would at load time.
"""
import importlib
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoConfig  # noqa: E402
from transformers import modeling_rope_utils  # noqa: E402
from transformers.utils import logging  # noqa: E402

logging.set_verbosity_error()
HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "..", "..", "..", "Configs")
# Same cases as the numpy reference: every config at load time, then length-dependent ones.
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


def default_parameters(config, model_type):
    module = importlib.import_module(f"transformers.models.{model_type}.modeling_{model_type}")
    rotary = next(getattr(module, n) for n in dir(module) if n.endswith("RotaryEmbedding") and hasattr(getattr(module, n), "compute_default_rope_parameters"))
    return rotary.compute_default_rope_parameters(config)


out = []
for name, seq_len in CASES:
    raw = json.load(open(os.path.join(CONFIGS, name)))
    model_type = raw.get("model_type", "llama")
    config = AutoConfig.for_model(model_type, **{k: v for k, v in raw.items() if k != "model_type"})
    rope_type = config.rope_parameters["rope_type"]
    if rope_type == "default":
        inv_freq, attention = default_parameters(config, model_type)
    else:
        inv_freq, attention = modeling_rope_utils.ROPE_INIT_FUNCTIONS[rope_type](config, "cpu", seq_len=seq_len)
    out.append({"config": name, "seq_len": seq_len, "rope_type": rope_type, "dtype": str(inv_freq.dtype),
                "inv_freq": [float(x) for x in inv_freq.tolist()], "attention_factor": float(attention)})

json.dump({"source": "transformers modeling_rope_utils / model rotary classes, run by "
           "Tests/RoPETests/References/make_transformers_output.py",
           "transformers": transformers.__version__, "torch": torch.__version__, "cases": out}, sys.stdout, indent=1)
print()
