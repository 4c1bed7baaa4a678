import Foundation
import RoPE

public enum LabDev {
  public static func run(steps: Int, seed: UInt64, base: Double, distinct: Bool, lr: Double, pk: Int) {
    
    // Development driver for now: train one model, print losses and evaluations.
    
    let shape = ModelShape(vocabulary: LabTasks.vocabulary, dModel: 32, heads: 2, layers: 2, hidden: 64, base: base)
    let tasks = LabTasks(distinctKeys: distinct)
    let n = 64
    let trainer = Trainer<Float>(shape: shape, tasks: tasks, seed: seed, maxLength: n)
    let recipe = TrainingRecipe(length: n, languagePerStep: 8, passkeyPerStep: pk,
                                schedule: AdamSchedule(learningRate: lr, warmup: 30, steps: steps))
    let plain = PositionScheme.plain(headDim: shape.headDim, base: shape.base)
    let start = Date()
    let losses = trainer.train(recipe, scheme: plain, dataSeed: seed &+ 1000)
    let elapsed = Date().timeIntervalSince(start)
    print("params", shape.parameterCount, "train s", elapsed, "tokens/s", Double(steps * 16 * n) / elapsed)
    for i in stride(from: 0, to: steps, by: max(steps / 8, 1)) { print(i, losses[i]) }
    print("floor", LabTasks.entropyFloor)
    let ev = Evaluator(shape: shape, tasks: tasks, parameters: trainer.parameters, maxLength: 8 * n)
    for s in [1, 2, 4, 8] {
        let L = s * n
        let t0 = Date()
        let lang = ev.language(length: L, count: 8, dataSeed: 99, scheme: plain)
        let pk = ev.passkey(length: L, depths: [0.1, 0.5, 0.9], count: 16, dataSeed: 98, scheme: plain)
        let pi = PositionScheme.scaling(.linear(LinearScaling(factor: Double(s))), name: "PI", headDim: shape.headDim, base: shape.base, length: L)
        let yarn = PositionScheme.scaling(.yarn(YaRNScaling(factor: Double(s), originalMaxPositionEmbeddings: n)), name: "YaRN", headDim: shape.headDim, base: shape.base, length: L)
        let lpi = ev.language(length: L, count: 8, dataSeed: 99, scheme: pi)
        let ppi = ev.passkey(length: L, depths: [0.1, 0.5, 0.9], count: 16, dataSeed: 98, scheme: pi)
        let ly = ev.language(length: L, count: 8, dataSeed: 99, scheme: yarn)
        let py = ev.passkey(length: L, depths: [0.1, 0.5, 0.9], count: 16, dataSeed: 98, scheme: yarn)
        print("\(s)x loss \(lang.loss) acc \(lang.ruleAccuracy) passkey \(pk) | PI \(lpi.loss) \(lpi.ruleAccuracy) \(ppi) | YaRN \(ly.loss) \(ly.ruleAccuracy) \(py)  [\(Date().timeIntervalSince(t0))s]")
    }
  }
}
