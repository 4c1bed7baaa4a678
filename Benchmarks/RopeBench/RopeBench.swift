// rope-bench: the Float32 bulk RoPE kernel against memcpy and a straightforward Double implementation, on a
// [tokens × heads × 128] buffer, one core. Every ratio is measured in this run. Prints `bench: NAME VALUE UNIT`.
//
// Usage: rope-bench [--tokens 4096] [--heads 32] [--repeats 7]
import Foundation
import RoPE

@main
struct RopeBench {
    static func main() {

        var tokens = 4096, heads = 32, repeats = 7
        let headDim = 128
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = arguments.next() {
            guard let value = arguments.next().flatMap(Int.init), value > 0 else {
                FileHandle.standardError.write(Data("rope-bench: \(flag) needs a positive whole number\n".utf8))
                exit(2)
            }
            switch flag {
            case "--tokens": tokens = value
            case "--heads": heads = value
            case "--repeats": repeats = value
            default:
                FileHandle.standardError.write(Data("rope-bench: unknown option \(flag); use --tokens, --heads, --repeats\n".utf8))
                exit(2)
            }
        }

        let count = tokens * heads * headDim
        let bytes = Double(count * MemoryLayout<Float>.size)
        let positions = (0..<tokens).map(Double.init)
        let inverse = Frequencies.inverse(rotaryDim: headDim, base: 10_000)

        /// Best wall time of `repeats` runs, each preceded by `reset` (not timed).
        func best(_ reset: () -> Void, _ body: () -> Void) -> Double {
            var fastest = Double.infinity
            for _ in 0..<repeats {
                reset()
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return fastest
        }

        var generator = SplitMix64(seed: 1)
        let source = (0..<count).map { _ in Float(generator.uniform()) }
        var buffer = [Float](repeating: 0, count: count)
        var destination = [Float](repeating: 0, count: count)

        // Baseline: memcpy of the same buffer (reads and writes `bytes`, like the in-place rotation).
        let memcpySeconds = best({}) {
            source.withUnsafeBytes { src in destination.withUnsafeMutableBytes { dst in _ = memcpy(dst.baseAddress!, src.baseAddress!, src.count) } }
        }
        print("bench: memcpy.gbps \(String(format: "%.2f", 2 * bytes / memcpySeconds / 1e9)) GB/s")

        /// The straightforward implementation: Double math per element, cos and sin recomputed for every head.
        func naive(_ x: inout [Float], layout: PairLayout) {
            for t in 0..<tokens {
                for h in 0..<heads {
                    let row = (t * heads + h) * headDim
                    for i in 0..<headDim / 2 {
                        let angle = positions[t] * inverse[i]
                        let c = cos(angle), s = sin(angle)
                        let (a, b) = layout.coordinates(ofPair: i, rotaryDim: headDim)
                        let x0 = Double(x[row + a]), x1 = Double(x[row + b])
                        x[row + a] = Float(x0 * c - x1 * s)
                        x[row + b] = Float(x0 * s + x1 * c)
                    }
                }
            }
        }

        /// Copies `source` into the existing storage of `target`. (Assigning `target = source` would share the
        /// storage, and the next mutation would pay a 64 MB copy-on-write inside the timed region.)
        func restore(_ target: inout [Float]) {
            target.withUnsafeMutableBytes { dst in source.withUnsafeBytes { src in _ = memcpy(dst.baseAddress!, src.baseAddress!, src.count) } }
        }

        var results: [String: Double] = [:]
        for layout in [PairLayout.halfSplit, .interleaved] {
            let name = layout == .halfSplit ? "half" : "interleaved"
            let kernel = BulkRotation(inverseFrequencies: inverse, layout: layout)
            let ours = best({ restore(&buffer) }) {
                buffer.withUnsafeMutableBufferPointer { kernel.apply(to: $0, heads: heads, headDim: headDim, positions: positions) }
            }
            // Correctness before speed: the fast and the naive path must agree on this very buffer.
            var reference = [Float](repeating: 0, count: count)
            let naiveSeconds = best({ restore(&reference) }) { naive(&reference, layout: layout) }
            let disagreement = zip(buffer, reference).map { abs($0 - $1) }.max() ?? 0
            guard disagreement < 1e-4 else {
                FileHandle.standardError.write(Data("rope-bench: \(name) kernel disagrees with the naive path by \(disagreement)\n".utf8))
                exit(1)
            }
            results[name] = ours
            print("bench: apply.\(name).seconds \(String(format: "%.5f", ours)) s")
            print("bench: apply.\(name).gbps \(String(format: "%.2f", 2 * bytes / ours / 1e9)) GB/s")
            print("bench: apply.\(name).memcpy_fraction \(String(format: "%.3f", memcpySeconds / ours))")
            print("bench: apply.\(name).over_naive \(String(format: "%.2f", naiveSeconds / ours))")
        }
        print("bench: apply.buffer_mb \(String(format: "%.1f", bytes / 1_048_576)) MB")
    }
}
