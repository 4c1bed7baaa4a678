import Foundation
import RoPE

// Loss and backward pass of one sequence. Weight gradients are Xᵀ·dY, input gradients dY·Wᵀ with Wᵀ from the copy
// `transposeWeights` makes once per optimiser step; both are `matmul`s.

extension Transformer {
    /// Mean cross-entropy over the positions with weight > 0 (weights[i] scores the prediction of targets[i] from
    /// tokens[0...i]), divided by `normalizer`; adds its gradient into `gradient` when given. Returns the weighted
    /// sum of losses (not divided).
    @discardableResult
    public func loss(tokens: [Int], targets: [Int], weights: [R], parameters: UnsafePointer<R>, scheme: PositionScheme,
                     gradient: UnsafeMutablePointer<R>?, normalizer: R = 1) -> R {
        if gradient != nil { transposeWeights(parameters) }
        return loss(tokens: tokens, targets: targets, weights: weights, parameters: parameters, scheme: scheme,
                    table: positions(scheme, rows: tokens.count), gradient: gradient, normalizer: normalizer)
    }

    /// `loss` for many sequences of one step: the table from `positions(scheme, rows: tokens.count)` and, with a
    /// gradient, the weights already transposed by `transposeWeights(parameters)`.
    func loss(tokens: [Int], targets: [Int], weights: [R], parameters: UnsafePointer<R>, scheme: PositionScheme,
              table: RotationTable<R>, gradient: UnsafeMutablePointer<R>?, normalizer: R) -> R {
        forward(tokens: tokens, parameters: parameters, scheme: scheme, table: table)
        let t = tokens.count, vsize = shape.vocabulary
        var total: R = 0
        let lg = logits.pointer, dl = dlogits.pointer
        let e = logitScratch.pointer
        for i in 0..<t {
            let row = lg + i * vsize, drow = dl + i * vsize
            let w = weights[i]
            guard w != 0 else { drow.update(repeating: 0, count: vsize); continue }
            // e^(logit − best) eight at a time (the last block reads past the row, into the buffer's spare entries).
            let best = rowMax(row, vsize)
            let sum = shiftedExponentials(row, minus: best, count: vsize, into: e)
            total += w * (R.logarithm(sum) + best - row[targets[i]])
            let g = w / (sum * normalizer)
            for j in 0..<vsize { drow[j] = e[j] * g }
            drow[targets[i]] -= w / normalizer
        }
        if let gradient { backward(tokens: tokens, parameters: parameters, scheme: scheme, table: table, gradient: gradient) }
        return total
    }

    /// Every weight matrix of `parameters`, transposed, into `transposed` at the same offsets (W [k × n] → Wᵀ [n × k]).
    func transposeWeights(_ parameters: UnsafePointer<R>) {
        let lay = layout, d = shape.dModel, f = shape.hidden, out = transposed.pointer
        for l in 0..<shape.layers {
            for offset in [lay.wq[l], lay.wk[l], lay.wv[l], lay.wo[l]] {
                transpose(parameters + offset, into: out + offset, rows: d, columns: d)
            }
            transpose(parameters + lay.w1[l], into: out + lay.w1[l], rows: d, columns: f)
            transpose(parameters + lay.w2[l], into: out + lay.w2[l], rows: f, columns: d)
        }
        transpose(parameters + lay.output, into: out + lay.output, rows: d, columns: shape.vocabulary)
    }

    func backward(tokens: [Int], parameters: UnsafePointer<R>, scheme: PositionScheme, table: RotationTable<R>,
                  gradient: UnsafeMutablePointer<R>) {
        precondition(scheme.relativeMap == nil, "relative-position maps are for inference only")
        let t = tokens.count, d = shape.dModel, f = shape.hidden, vsize = shape.vocabulary, lay = layout
        let wt = transposed.pointer
        /// dW[k × n] += Xᵀ·dY for X [t × k], dY [t × n], each element of dW adding its products in order t = 0, 1, ….
        func addWeightGradient(_ x: UnsafePointer<R>, _ dy: UnsafePointer<R>, _ dw: UnsafeMutablePointer<R>, k: Int, n: Int) {
            matmul(x, dy, dw, rows: k, k: t, n: n, accumulate: true, xTransposed: true)
        }
        // The output head's gradient as its transpose (vocabulary × d_model), so that the long rows are d_model's.
        let outT = outputGradientT.pointer
        transpose(gradient + lay.output, into: outT, rows: d, columns: vsize)
        addWeightGradient(dlogits.pointer, af.pointer, outT, k: vsize, n: d)
        transpose(outT, into: gradient + lay.output, rows: vsize, columns: d)
        matmul(dlogits.pointer, wt + lay.output, da.pointer, rows: t, k: vsize, n: d)
        rmsNormBackward(x: xout.pointer, inv: invf.pointer, gain: parameters + lay.finalGain, dOut: da.pointer,
                        dGain: gradient + lay.finalGain, dx: dx.pointer, accumulate: false, rows: t)
        for l in stride(from: shape.layers - 1, through: 0, by: -1) {
            // MLP: x_out = x_mid + relu(a2 W1) W2.
            addWeightGradient(u[l].pointer, dx.pointer, gradient + lay.w2[l], k: f, n: d)
            matmul(dx.pointer, wt + lay.w2[l], dh.pointer, rows: t, k: d, n: f)
            let hp = hpre[l].pointer, dhp = dh.pointer
            for i in 0..<(t * f) where hp[i] <= 0 { dhp[i] = 0 }
            addWeightGradient(a2[l].pointer, dh.pointer, gradient + lay.w1[l], k: d, n: f)
            matmul(dh.pointer, wt + lay.w1[l], da.pointer, rows: t, k: f, n: d)
            dxmid.pointer.update(from: dx.pointer, count: t * d)
            rmsNormBackward(x: xmid[l].pointer, inv: inv2[l].pointer, gain: parameters + lay.gain2[l], dOut: da.pointer,
                            dGain: gradient + lay.gain2[l], dx: dxmid.pointer, accumulate: true, rows: t)
            // Attention: x_mid = x_in + attended Wo
            addWeightGradient(attended[l].pointer, dxmid.pointer, gradient + lay.wo[l], k: d, n: d)
            matmul(dxmid.pointer, wt + lay.wo[l], dAttended.pointer, rows: t, k: d, n: d)
            attentionBackward(layer: l, length: t)
            scaleQueries(dq.pointer, rows: t, scheme: scheme)
            ablate(dq.pointer, rows: t, pairs: scheme.ablatedPairs)
            rotate(dq.pointer, rows: t, table: table, inverse: true)
            rotate(dk.pointer, rows: t, table: table, inverse: true)
            addWeightGradient(a1[l].pointer, dq.pointer, gradient + lay.wq[l], k: d, n: d)
            addWeightGradient(a1[l].pointer, dk.pointer, gradient + lay.wk[l], k: d, n: d)
            addWeightGradient(a1[l].pointer, dv.pointer, gradient + lay.wv[l], k: d, n: d)
            matmul(dq.pointer, wt + lay.wq[l], da.pointer, rows: t, k: d, n: d)
            matmul(dk.pointer, wt + lay.wk[l], da.pointer, rows: t, k: d, n: d, accumulate: true)
            matmul(dv.pointer, wt + lay.wv[l], da.pointer, rows: t, k: d, n: d, accumulate: true)
            dx.pointer.update(from: dxmid.pointer, count: t * d)
            rmsNormBackward(x: xin[l].pointer, inv: inv1[l].pointer, gain: parameters + lay.gain1[l], dOut: da.pointer,
                            dGain: gradient + lay.gain1[l], dx: dx.pointer, accumulate: true, rows: t)
        }
        for (i, token) in tokens.enumerated() {
            axpy(1, dx.pointer + i * d, gradient + lay.embed + token * d, d)
        }
    }

    /// a = x·inv ⊙ g, inv = 1/√(mean x² + ε):  dx = inv·(ĝ − x̂·mean(ĝ ⊙ x̂)), ĝ = da ⊙ g, dg += da ⊙ x̂.
    func rmsNormBackward(x: UnsafePointer<R>, inv: UnsafePointer<R>, gain: UnsafePointer<R>, dOut: UnsafePointer<R>,
                         dGain: UnsafeMutablePointer<R>, dx: UnsafeMutablePointer<R>, accumulate: Bool, rows: Int) {
        let d = shape.dModel
        for t in 0..<rows {
            let xr = x + t * d, g = dOut + t * d, out = dx + t * d, s = inv[t]
            var mean: R = 0
            for j in 0..<d { mean += g[j] * gain[j] * xr[j] * s }
            mean /= R(d)
            for j in 0..<d {
                let xhat = xr[j] * s
                dGain[j] += g[j] * xhat
                let v = s * (g[j] * gain[j] - xhat * mean)
                out[j] = accumulate ? out[j] + v : v
            }
        }
    }
}
