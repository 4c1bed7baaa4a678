#!/usr/bin/env python3
"""The lab's model and training step in NumPy, as a Python user would write it (batched, float32), for make bench.

Usage: numpy_lab.py DUMP.json [STEPS]
First checks, on the batch and initial weights that `lab-bench dump` wrote, that its loss and gradient equal
Swift's (so both run the same model and step); then times forward + backward + Adam on batches of that shape.
Prints `numpy_step_s SECONDS` (CPU seconds per step, best of 3).
"""
import json
import os
import sys
import time

# One BLAS thread, as Swift's step uses one core (bench.py sets these too); process_time would otherwise also count
# the idle spinning of a second BLAS thread.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402 (after the thread settings, which NumPy reads when it loads BLAS)

F = np.float32


class Model:
    def __init__(self, d):
        self.V, self.D, self.H, self.L, self.Fh = d["vocabulary"], d["d_model"], d["heads"], d["layers"], d["hidden"]
        self.dh = self.D // self.H
        self.half = self.dh // 2
        self.base = d["base"]
        # Flat layout, as Swift's ModelShape.layout.
        V, D, Fh = self.V, self.D, self.Fh
        self.shapes = [("embed", (V, D))]
        for l in range(self.L):
            self.shapes += [(f"g1_{l}", (D,)), (f"wq_{l}", (D, D)), (f"wk_{l}", (D, D)), (f"wv_{l}", (D, D)),
                            (f"wo_{l}", (D, D)), (f"g2_{l}", (D,)), (f"w1_{l}", (D, Fh)), (f"w2_{l}", (Fh, D))]
        self.shapes += [("gf", (D,)), ("wout", (D, V))]

    def unflatten(self, flat):
        out, o = {}, 0
        for name, shape in self.shapes:
            n = int(np.prod(shape))
            out[name] = flat[o:o + n].reshape(shape)
            o += n
        return out

    def flatten(self, grads):
        return np.concatenate([grads[name].ravel() for name, _ in self.shapes])

    def tables(self, T):
        inv = 1.0 / self.base ** (np.arange(self.half) * 2.0 / self.dh)
        ang = np.arange(T)[:, None] * inv[None, :]
        return np.cos(ang).astype(F), np.sin(ang).astype(F)

    def rope(self, x, c, s, inverse=False):  # x: (B, H, T, dh), half-split pairs
        if inverse:
            s = -s
        a, b = x[..., :self.half], x[..., self.half:]
        return np.concatenate([a * c - b * s, a * s + b * c], axis=-1)

    @staticmethod
    def norm(x, g, eps=F(1e-5)):
        inv = 1 / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
        return x * inv * g, inv

    @staticmethod
    def norm_back(x, inv, g, da):
        xhat = x * inv
        dg = (da * xhat).sum((0, 1))
        gh = da * g
        dx = inv * (gh - xhat * (gh * xhat).mean(-1, keepdims=True))
        return dx, dg

    def loss_and_grad(self, P, tokens, targets, weights):
        B, T = tokens.shape
        D, H, dh = self.D, self.H, self.dh
        c, s = self.tables(T)
        mask = np.triu(np.full((T, T), -np.inf, dtype=F), 1)
        scale = F(1 / np.sqrt(dh))
        cache = []
        x = P["embed"][tokens]
        for l in range(self.L):
            a1, inv1 = self.norm(x, P[f"g1_{l}"])
            heads = lambda m: m.reshape(B, T, H, dh).transpose(0, 2, 1, 3)
            q = self.rope(heads(a1 @ P[f"wq_{l}"]), c, s)
            k = self.rope(heads(a1 @ P[f"wk_{l}"]), c, s)
            v = heads(a1 @ P[f"wv_{l}"])
            S = q @ k.transpose(0, 1, 3, 2) * scale + mask
            S = np.exp(S - S.max(-1, keepdims=True))
            A = S / S.sum(-1, keepdims=True)
            o = (A @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
            xm = x + o @ P[f"wo_{l}"]
            a2, inv2 = self.norm(xm, P[f"g2_{l}"])
            h = a2 @ P[f"w1_{l}"]
            u = np.maximum(h, 0)
            cache.append((x, a1, inv1, q, k, v, A, o, xm, a2, inv2, h, u))
            x = xm + u @ P[f"w2_{l}"]
        af, invf = self.norm(x, P["gf"])
        logits = af @ P["wout"]
        z = logits - logits.max(-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        total = weights.sum()
        bi, ti = np.meshgrid(np.arange(B), np.arange(T), indexing="ij")
        loss = -(weights * logp[bi, ti, targets]).sum() / total
        # Backward.
        G = {}
        dlog = np.exp(logp)
        dlog[bi, ti, targets] -= 1
        dlog *= (weights / total)[..., None]
        G["wout"] = af.reshape(-1, D).T @ dlog.reshape(-1, self.V)
        dx, G["gf"] = self.norm_back(x, invf, P["gf"], dlog @ P["wout"].T)
        for l in reversed(range(self.L)):
            (xin, a1, inv1, q, k, v, A, o, xm, a2, inv2, h, u) = cache[l]
            G[f"w2_{l}"] = u.reshape(-1, self.Fh).T @ dx.reshape(-1, D)
            dh_ = (dx @ P[f"w2_{l}"].T) * (h > 0)
            G[f"w1_{l}"] = a2.reshape(-1, D).T @ dh_.reshape(-1, self.Fh)
            dxm_n, G[f"g2_{l}"] = self.norm_back(xm, inv2, P[f"g2_{l}"], dh_ @ P[f"w1_{l}"].T)
            dxm = dx + dxm_n
            G[f"wo_{l}"] = o.reshape(-1, D).T @ dxm.reshape(-1, D)
            do = (dxm @ P[f"wo_{l}"].T).reshape(B, T, H, dh).transpose(0, 2, 1, 3)
            dA = do @ v.transpose(0, 1, 3, 2)
            dv = A.transpose(0, 1, 3, 2) @ do
            dS = A * (dA - (dA * A).sum(-1, keepdims=True)) * scale
            dq = self.rope(dS @ k, c, s, inverse=True)
            dk = self.rope(dS.transpose(0, 1, 3, 2) @ q, c, s, inverse=True)
            flat = lambda m: m.transpose(0, 2, 1, 3).reshape(B, T, D)
            dq, dk, dv = flat(dq), flat(dk), flat(dv)
            a1f = a1.reshape(-1, D)
            G[f"wq_{l}"] = a1f.T @ dq.reshape(-1, D)
            G[f"wk_{l}"] = a1f.T @ dk.reshape(-1, D)
            G[f"wv_{l}"] = a1f.T @ dv.reshape(-1, D)
            da1 = dq @ P[f"wq_{l}"].T + dk @ P[f"wk_{l}"].T + dv @ P[f"wv_{l}"].T
            dxi, G[f"g1_{l}"] = self.norm_back(xin, inv1, P[f"g1_{l}"], da1)
            dx = dxm + dxi
        G["embed"] = np.zeros_like(P["embed"])
        np.add.at(G["embed"], tokens.ravel(), dx.reshape(-1, D))
        return loss, self.flatten(G)


class Adam:
    def __init__(self, n, lr=3e-3, b1=0.9, b2=0.99, eps=1e-8, clip=1.0):
        self.m, self.v, self.t = np.zeros(n, F), np.zeros(n, F), 0
        self.lr, self.b1, self.b2, self.eps, self.clip = lr, b1, b2, eps, clip

    def step(self, p, g):
        self.t += 1
        g = g * min(1.0, self.clip / max(float(np.sqrt((g * g).sum())), 1e-12))
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g * g
        mh = self.m / (1 - self.b1 ** self.t)
        vh = self.v / (1 - self.b2 ** self.t)
        p -= (self.lr * mh / (np.sqrt(vh) + self.eps)).astype(F)


def main():
    d = json.load(open(sys.argv[1]))
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    model = Model(d)
    flat = np.array(d["parameters"], dtype=F)
    tokens, targets = np.array(d["tokens"]), np.array(d["targets"])
    weights = np.array(d["weights"], dtype=F)
    loss, grad = model.loss_and_grad(model.unflatten(flat), tokens, targets, weights)
    swift_grad = np.array(d["gradient"], dtype=F)
    err = np.abs(grad - swift_grad).max() / np.abs(swift_grad).max()
    if abs(loss - d["loss"]) > 1e-4 * abs(d["loss"]) or err > 1e-4:
        sys.exit(f"numpy_lab: not the same model: loss {loss} vs {d['loss']}, gradient error {err}")
    rng = np.random.default_rng(0)
    best = float("inf")
    for _ in range(3):
        p = flat.copy()
        opt = Adam(p.size)
        start = time.process_time()
        for _ in range(steps):
            # Fresh tokens each step (the data generator's cost is not timed in Swift either: it is negligible).
            toks = rng.integers(0, model.V, size=tokens.shape)
            loss, g = model.loss_and_grad(model.unflatten(p), toks, targets, weights)
            opt.step(p, g)
        best = min(best, (time.process_time() - start) / steps)
    print(f"numpy_check loss {loss:.6f} gradient_rel_error {err:.2e}")
    print(f"numpy_step_s {best:.5f}")


if __name__ == "__main__":
    main()
