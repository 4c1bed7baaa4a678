import Foundation
import RoPE

/// The whole experiment's settings and the ways of running trained weights (`Lab.run` in LabRun.swift runs it).
public enum Lab {
    public struct Configuration: Sendable {
        public var seeds: [UInt64] = [1, 2, 3, 4, 5]
        public var trainLength = 64
        public var scales = [1, 2, 4, 8]
        public var steps = 2000
        public var learningRate = 3e-3
        public var languagePerStep = 4
        public var passkeyPerStep = 2
        public var passkeyWeight = 8.0
        /// Zero-shot static methods are configured once for the longest test length, as a shipped config is.
        public var zeroShotFactor = 8.0
        public var reRoPEWindow = 32.0
        public var leakySlopeDivisor = 16.0
        /// Test set per seed and length: this many tokens of language (so 4096/64 = 64 sequences at 64 tokens, 8 at
        /// 512), and this many passkey trials spread over `passkeyDepths` depths.
        public var testTokens = 4096
        public var passkeyTrials = 40
        public var passkeyDepths = 5
        /// Prefix-by-prefix scoring of the dynamic methods: the scale is recomputed every `dynamicChunk` tokens.
        public var dynamicChunk = 16
        /// Bayes-optimal predictors that see only the last k tokens.
        public var bayesWindows = [8, 16, 32, 64]
        /// The s-vs-length grid (PI, NTK-aware and YaRN at every s).
        public var gridFactors = [1.0, 2, 4, 8, 16]
        /// YaRN's attention factor √(1/t) swept at (s, length).
        public var temperatures = [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6]
        public var temperatureSettings: [(factor: Double, scale: Int)] = [(4, 4), (8, 8)]
        /// Fine-tuning: every method at `fineTuneFactor`, on sequences of `fineTuneScale` × the training length, for
        /// `fineTuneSteps` steps of `fineTunePerStep` language sequences; scored at `fineTuneCheckpoints`.
        public var fineTuneFactor = 8.0
        public var fineTuneScale = 4
        public var fineTuneSteps = 400
        public var fineTunePerStep = 2
        public var fineTuneLearningRate = 1e-3
        public var fineTuneCheckpoints = [0, 25, 50, 100, 200, 400]
        public var dModel = 32, heads = 2, layers = 2, hidden = 64

        public init() {}

        /// The RoPE base that gives the toy's slowest pair the same wavelength, in training lengths, as Llama 2's
        /// (base 10000, head dim 128, 4096 tokens): λ_max / L ≈ 13.3.
        public var base: Double { Lab.matchedBase(headDim: dModel / heads, trainLength: trainLength) }

        public var shape: ModelShape {
            ModelShape(vocabulary: LabTasks.vocabulary, dModel: dModel, heads: heads, layers: layers, hidden: hidden, base: base)
        }

        public var headDim: Int { dModel / heads }
        public var lengths: [Int] { scales.map { $0 * trainLength } }

        /// The seed's own test set at `length`: independent of every other seed's and of the training data.
        public func testSeed(seed: UInt64, length: Int, purpose: UInt64) -> UInt64 {
            (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(length) &* 0xBF58_476D_1CE4_E5B9) ^ (purpose &* 0x94D0_49BB_1331_11EB)
        }

        public static let standard = Configuration()
    }

    /// Longest wavelength over training length of a reference model (default Llama 2: 10000, 128, 4096).
    public static func wavelengthRatio(base: Double = 10_000, headDim: Int = 128, trainLength: Int = 4096) -> Double {
        Frequencies.wavelengths(Frequencies.inverse(rotaryDim: headDim, base: base)).last! / Double(trainLength)
    }

    /// Solves 2π · base^((d−2)/d) = ratio · L for base.
    public static func matchedBase(headDim d: Int, trainLength: Int, ratio: Double = wavelengthRatio()) -> Double {
        pow(ratio * Double(trainLength) / (2 * Double.pi), Double(d) / Double(d - 2))
    }

    /// A way of running trained weights: the scheme for a prefix of `length` tokens, and whether the scale follows
    /// the prefix (scored prefix by prefix) or is fixed (one pass per sequence).
    public struct Method: Sendable {
        public var name: String
        public var dynamic: Bool
        public var scheme: @Sendable (_ length: Int) -> PositionScheme

        public init(name: String, dynamic: Bool = false, scheme: @escaping @Sendable (_ length: Int) -> PositionScheme) {
            self.name = name
            self.dynamic = dynamic
            self.scheme = scheme
        }
    }

    static func fmtFactor(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// The three interpolation families of the s-grid and of fine-tuning, at factor s (s = 1: plain RoPE).
    public enum Family: Int, CaseIterable, Sendable {
        case pi, ntk, yarn
        public var name: String { ["PI", "NTK-aware", "YaRN"][rawValue] }

        public func scaling(_ s: Double, trainLength: Int, attentionFactor: Double? = nil) -> RoPEScaling {
            switch self {
            case .pi: .linear(LinearScaling(factor: s))
            case .ntk: .ntkAware(NTKAwareScaling(factor: s))
            case .yarn: .yarn(YaRNScaling(factor: s, originalMaxPositionEmbeddings: trainLength, attentionFactor: attentionFactor))
            }
        }

        public func method(_ c: Configuration, factor s: Double, attentionFactor: Double? = nil) -> Method {
            let scheme = PositionScheme.scaling(scaling(s, trainLength: c.trainLength, attentionFactor: attentionFactor),
                                                name: name, headDim: c.headDim, base: c.base, length: c.trainLength)
            let label = attentionFactor.map { "\(name) s=\(fmtFactor(s)), √(1/t)=\($0)" } ?? "\(name) s=\(fmtFactor(s))"
            return Method(name: label) { _ in scheme }
        }
    }

    /// Indices into `zeroShotMethods`.
    public enum Zero: Int, CaseIterable, Sendable {
        case rope, pi, ntk, yarn, yarnNoTemperature, dynamicNTK, dynamicYaRN, reRoPE, reRoPELogN, leakyReRoPE, ntkLogNMixed
    }

    /// Every zero-shot way of running the base weights, in `Zero` order.
    public static func zeroShotMethods(_ c: Configuration) -> [Method] {
        let d = c.headDim, base = c.base, n = c.trainLength, s = c.zeroShotFactor, w = c.reRoPEWindow
        let plain = PositionScheme.plain(headDim: d, base: base)
        let sText = fmtFactor(s), wText = fmtFactor(w)
        let mixed = PositionScheme.ntkLogNMixed(headDim: d, base: base, trainingLength: n)
        return [
            Method(name: "RoPE") { _ in plain },
            Family.pi.method(c, factor: s),
            Family.ntk.method(c, factor: s),
            Family.yarn.method(c, factor: s),
            Family.yarn.method(c, factor: s, attentionFactor: 1).renamed("YaRN s=\(sText), no temperature"),
            Method(name: "dynamic NTK", dynamic: true) { length in
                PositionScheme.scaling(.dynamicNTK(DynamicNTKScaling(factor: 1, maxPositionEmbeddings: n)), name: "dynamic NTK",
                                       headDim: d, base: base, length: length)
            },
            Method(name: "Dynamic-YaRN", dynamic: true) { length in
                let factor = max(1, Double(length) / Double(n))
                return PositionScheme.scaling(.yarn(YaRNScaling(factor: factor, originalMaxPositionEmbeddings: n)),
                                              name: "Dynamic-YaRN", headDim: d, base: base, length: length)
            },
            Method(name: "ReRoPE w=\(wText)") { _ in
                PositionScheme(name: "ReRoPE", scaled: plain.scaled, relativeMap: ReRoPE(window: w))
            },
            Method(name: "ReRoPE w=\(wText) + log-n") { _ in
                PositionScheme(name: "ReRoPE + log-n", scaled: plain.scaled, relativeMap: ReRoPE(window: w), logNTrainingLength: n)
            },
            Method(name: "Leaky ReRoPE w=\(wText) k=\(fmtFactor(c.leakySlopeDivisor))") { _ in
                PositionScheme(name: "Leaky ReRoPE", scaled: plain.scaled,
                               relativeMap: LeakyReRoPE(window: w, slopeDivisor: c.leakySlopeDivisor))
            },
            Method(name: "NTK-logn-mixed (Su)") { _ in mixed },
        ]
    }
}

extension Lab.Method {
    func renamed(_ name: String) -> Lab.Method { Lab.Method(name: name, dynamic: dynamic, scheme: scheme) }
}
