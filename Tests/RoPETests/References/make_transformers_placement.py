#!/usr/bin/env python3
"""How transformers itself places RoPE in the models of 2025-2026, for the configs of PLACEMENT_CONFIGS in Configs/:
layer types, the RoPE group of every layer (or none), each group's inv_freq and attention factor, M-RoPE's pair -> axis
map, the query scale by position, and vectors rotated by each model's own apply function.

Nothing here reimplements a formula: every number comes out of transformers' classes and functions.
  - config: AutoConfig.for_model(model_type, **config.json), then get_text_config() -- transformers' own resolution
    (defaults, legacy keys, text_config). Kimi K2's `model_type` "kimi_k2" is not registered in transformers; its
    checkpoint's auto_map names DeepseekV3Config, so it is read as "deepseek_v3".
  - frequencies: the model's RotaryEmbedding class, instantiated on the text config (`{type}_inv_freq` buffers for
    models with one RoPE per layer type, `inv_freq` otherwise).
  - layers: the attributes the model's decoder layers set in __init__ (Llama 4 `self_attn.use_rope`, DeepSeek-V4
    `self_attn.rope_layer_type`, Qwen3.5 `linear_attn` vs `self_attn`), read from the model built on the meta device;
    Gemma 3 / OLMo 3 / Gemma 4 forward `position_embeddings[config.layer_types[i]]`, so their layer types are the map.
  - M-RoPE axes: the rotary class's `recomposition_frequencies` applied to a tensor whose axis a holds the value a.
  - query scales: Ministral 3's `get_llama_4_attn_scale`; Llama 4's temperature is inline in
    `Llama4TextAttention.forward`, so it is measured by running that forward (identity q_proj, a cache that reports
    the number of tokens already seen) and reading the query it hands the attention function.
  - rotations: the model's rotary forward and its apply function (`apply_rotary_pos_emb`, Llama 4 `apply_rotary_emb`,
    DeepSeek-V3 `apply_rotary_pos_emb_interleave`, ...).

Two precisions. "float64": transformers' code run with torch.float / torch.float32 / Tensor.float() redirected to
float64 for the duration of the call (the code names its dtypes at call time, so the same lines compute in double);
the Swift library must agree to 1e-9 relative. "float32": transformers as shipped, for information.

Needs torch and transformers (the tests read the committed JSON). Produced with transformers 5.25.0, torch 2.15.0:

    python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install torch transformers
    /tmp/tfenv/bin/python make_transformers_placement.py > transformers_placement.json
"""
import contextlib
import importlib
import json
import math
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoConfig, AutoModel  # noqa: E402
from transformers.utils import logging  # noqa: E402

logging.set_verbosity_error()
HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "..", "..", "..", "Configs")

# config file -> (module, rotary class)
PLACEMENT_CONFIGS = {
    "gemma-3-4b.json": ("gemma3", "Gemma3RotaryEmbedding"),
    "gemma-3-4b-v5.json": ("gemma3", "Gemma3RotaryEmbedding"),
    "olmo-3-7b.json": ("olmo3", "Olmo3RotaryEmbedding"),
    "gemma-4-26b-a4b.json": ("gemma4", "Gemma4TextRotaryEmbedding"),
    "llama-4-scout-17b-16e-instruct.json": ("llama4", "Llama4TextRotaryEmbedding"),
    "qwen3-4b.json": ("qwen3", "Qwen3RotaryEmbedding"),
    "qwen3-4b-yarn.json": ("qwen3", "Qwen3RotaryEmbedding"),
    "qwen3-4b-yarn-v5.json": ("qwen3", "Qwen3RotaryEmbedding"),
    "qwen2.5-vl-7b.json": ("qwen2_5_vl", "Qwen2_5_VLRotaryEmbedding"),
    "qwen3-vl-4b.json": ("qwen3_vl", "Qwen3VLTextRotaryEmbedding"),
    "qwen3.5-0.8b.json": ("qwen3_5", "Qwen3_5TextRotaryEmbedding"),
    "ministral-3-8b.json": ("ministral3", "Ministral3RotaryEmbedding"),
    "kimi-k2-instruct.json": ("deepseek_v3", "DeepseekV3RotaryEmbedding"),
    "deepseek-v4-flash.json": ("deepseek_v4", "DeepseekV4RotaryEmbedding"),
}
REGISTERED = {"kimi_k2": "deepseek_v3"}
HEAD_KEYS = ("model_type", "architectures", "auto_map")


@contextlib.contextmanager
def float64():
    """Run transformers' RoPE code in double precision: its dtypes are looked up when the code runs."""
    saved = (torch.float, torch.float32, torch.Tensor.float, torch.get_default_dtype())
    torch.float = torch.float64
    torch.float32 = torch.float64
    torch.Tensor.float = lambda self, *a, **k: self.double()
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.float, torch.float32, torch.Tensor.float, default = saved
        torch.set_default_dtype(default)


def load(name):
    raw = json.load(open(os.path.join(CONFIGS, name)))
    model_type = REGISTERED.get(raw.get("model_type"), raw.get("model_type"))
    config = AutoConfig.for_model(model_type, **{k: v for k, v in raw.items() if k not in HEAD_KEYS})
    return config.get_text_config(decoder=True)


def rotary(text, module_name, class_name):
    module = importlib.import_module(f"transformers.models.{module_name}.modeling_{module_name}")
    return module, getattr(module, class_name)(text)


def labels_of(emb):
    """Group labels: the layer types / rope labels of a per-type rotary class, "rope" for a single one."""
    types = getattr(emb, "layer_types", None)
    return list(types) if types else ["rope"]


def group_values(emb, label):
    if label == "rope":
        return emb.inv_freq, emb.attention_scaling, emb.rope_type
    scaling = getattr(emb, f"{label}_attention_scaling")
    return getattr(emb, f"{label}_inv_freq"), scaling, emb.rope_type[label]


def head_dim_of(text, label):
    if text.model_type == "gemma4_text":      # the only family here whose head width depends on the layer type
        return text.per_layer_config[label].head_dim
    return getattr(text, "head_dim", None) or text.hidden_size // text.num_attention_heads


def layer_rope(text, model_type, labels):
    """The group label of every layer, None where the layer has no RoPE, read from the model's decoder layers."""
    n = text.num_hidden_layers
    if model_type in ("llama4_text", "qwen3_5_text", "deepseek_v4"):
        with torch.device("meta"):
            model = AutoModel.from_config(text)
        layers = model.layers
        if model_type == "llama4_text":
            return ["rope" if layer.self_attn.use_rope else None for layer in layers]
        if model_type == "qwen3_5_text":
            return [None if hasattr(layer, "linear_attn") else "rope" for layer in layers]
        return [layer.self_attn.rope_layer_type for layer in layers]
    if labels == ["rope"]:
        return ["rope"] * n
    return [t if t in labels else None for t in text.layer_types]


def mrope_axes(emb, pairs):
    if not hasattr(emb, "recomposition_frequencies"):
        return None
    freq = torch.arange(3, dtype=torch.float64).view(3, 1, 1, 1).expand(3, 1, 1, pairs).clone()
    recomposed = emb.recomposition_frequencies(freq)[0, 0, :pairs]
    return ["thw"[int(a)] for a in recomposed.tolist()]


def test_vector(n, seed):
    # Deterministic and irrational-looking, the same in Swift (Tests/RoPETests/PlacementReferenceTests.swift reads it).
    return [math.sin(1.3 * (i + 1) + 0.7 * seed) + 0.25 * math.cos(0.37 * (i + 1) * (seed + 1)) for i in range(n)]


def rotations(module, emb, text, model_type, label, head_dim, has_mrope):
    """Rotate test vectors with the model's own rotary forward and apply function, at several positions."""
    if has_mrope:
        positions = [(5, 5, 5), (3, 17, 42), (40000, 123, 4567)]
    else:
        positions = [(p, p, p) for p in (7, 4099, 1000000)]
    out = []
    for seed, (t, h, w) in enumerate(positions):
        x = torch.tensor(test_vector(head_dim, seed), dtype=torch.float64)
        pos = torch.tensor([[t]], dtype=torch.long) if not has_mrope else torch.tensor([[[t]], [[h]], [[w]]])
        kw = {} if label == "rope" else {"layer_type": label}
        dummy = torch.zeros(1, dtype=torch.float64)
        if model_type == "llama4_text":
            freqs_cis = emb(dummy, pos)
            xq = x.view(1, 1, 1, head_dim)
            rotated = module.apply_rotary_emb(xq, xq, freqs_cis)[0]
        elif model_type == "deepseek_v4":
            cos, sin = emb(dummy, pos, **kw)
            rotated = module.apply_rotary_pos_emb(x.view(1, 1, 1, head_dim), cos, sin)
        elif model_type == "gemma4_text":
            cos, sin = emb(dummy, pos, **kw)
            rotated = module.apply_rotary_pos_emb(x.view(1, 1, 1, head_dim), cos, sin, unsqueeze_dim=2)
        elif model_type == "deepseek_v3":
            cos, sin = emb(dummy, pos)
            q = x.view(1, 1, 1, head_dim)
            rotated = (module.apply_rotary_pos_emb_interleave if text.rope_interleave else module.apply_rotary_pos_emb)(q, q, cos, sin)[0]
        else:
            cos, sin = emb(dummy, pos, **kw)
            q = x.view(1, 1, 1, head_dim)
            rotated = module.apply_rotary_pos_emb(q, q, cos, sin)[0]
        out.append({"group": label, "position": [t, h, w], "input": x.tolist(), "output": rotated.reshape(-1).tolist()})
    return out


def llama4_query_scales(text, positions):
    """Run Llama4TextAttention.forward on a layer without RoPE and read the query it passes to attention."""
    module = importlib.import_module("transformers.models.llama4.modeling_llama4")
    small = AutoConfig.for_model("llama4_text", hidden_size=8, num_attention_heads=1, num_key_value_heads=1, head_dim=8,
                                 num_hidden_layers=1, no_rope_layers=[0], intermediate_size=8, intermediate_size_mlp=8,
                                 attn_temperature_tuning=text.attn_temperature_tuning, floor_scale=text.floor_scale,
                                 attn_scale=text.attn_scale, use_qk_norm=False)
    small._attn_implementation = "eager"
    attention = module.Llama4TextAttention(small, layer_idx=0).double()
    with torch.no_grad():
        attention.q_proj.weight.copy_(torch.eye(8))
    captured = {}

    def capture(mod, query, key, value, attention_mask, **kwargs):
        captured["query"] = query
        return value.transpose(1, 2), None

    class SeenCache:
        def __init__(self, seen): self.seen = seen
        def get_seq_length(self, layer_idx=0): return self.seen
        def update(self, key, value, layer_idx, **kwargs): return key, value

    saved = module.eager_attention_forward
    module.eager_attention_forward = capture
    values = []
    try:
        for p in positions:
            attention(torch.ones(1, 1, 8, dtype=torch.float64), None, None, cache=SeenCache(int(p)))
            values.append(float(captured["query"].reshape(-1)[0]))
    finally:
        module.eager_attention_forward = saved
    return values


def query_scale(text, model_type, layer_labels):
    if model_type == "ministral3":
        module = importlib.import_module("transformers.models.ministral3.modeling_ministral3")
        period = text.rope_parameters["original_max_position_embeddings"]
        positions = [0, period - 2, period - 1, period, 2 * period, 4 * period, 16 * period, 64 * period]
        with float64():
            values = module.get_llama_4_attn_scale(torch.tensor([positions], dtype=torch.float64),
                                                   text.rope_parameters["llama_4_scaling_beta"], period)
        return {"positions": positions, "values": values.reshape(-1).tolist(), "layers": list(range(text.num_hidden_layers))}
    if model_type == "llama4_text" and text.attn_temperature_tuning:
        period = text.floor_scale
        positions = [0, period - 2, period - 1, period, 2 * period, 4 * period, 16 * period, 64 * period]
        with float64():
            values = llama4_query_scales(text, positions)
        return {"positions": positions, "values": values,
                "layers": [i for i, label in enumerate(layer_labels) if label is None]}
    return None


def case(name, module_name, class_name):
    text = load(name)
    model_type = text.model_type
    with float64():
        module, emb = rotary(text, module_name, class_name)
    _, emb32 = rotary(text, module_name, class_name)
    labels = labels_of(emb)
    groups = {}
    all_rotations = []
    for label in labels:
        inv, attention, rope_type = group_values(emb, label)
        inv32, attention32, _ = group_values(emb32, label)
        head_dim = head_dim_of(text, label)
        axes = mrope_axes(emb, len(inv))
        groups[label] = {"rope_type": rope_type, "head_dim": head_dim, "rotary_dim": 2 * len(inv),
                         "inv_freq": inv.tolist(), "attention_factor": float(attention),
                         "float32": {"inv_freq": inv32.float().tolist(), "attention_factor": float(attention32)}}
        if axes is not None:
            groups[label]["mrope"] = {"mrope_section": list(emb.mrope_section), "pair_axis": axes}
        with float64():
            all_rotations += rotations(module, emb, text, model_type, label, head_dim, axes is not None)
    layer_labels = layer_rope(text, model_type, labels)
    return {"config": name, "model_type": model_type, "layer_types": list(getattr(text, "layer_types", None) or []),
            "layer_rope": layer_labels, "rope_groups": groups, "query_scale": query_scale(text, model_type, layer_labels),
            "rotations": all_rotations}


cases = [case(name, *spec) for name, spec in PLACEMENT_CONFIGS.items()]
json.dump({"source": "transformers' own config, rotary, layer and apply code, run by "
           "Tests/RoPETests/References/make_transformers_placement.py (float64: torch.float redirected to float64)",
           "transformers": transformers.__version__, "torch": torch.__version__, "cases": cases}, sys.stdout, separators=(",", ":"))
print()
