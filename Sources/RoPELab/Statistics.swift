import Foundation
import RoPE

/// Intervals for the lab's comparisons, from paired differences by seed and test item.
///
/// A comparison of predictors A and B is a table d[seed][item] = score_A − score_B on the same test item (a language
/// sequence, or a passkey trial) of that seed's own test set. The two-level bootstrap resamples the seeds with
/// replacement and, inside every drawn seed, that seed's items with replacement, and takes the mean over the drawn
/// seeds of their item means; so an interval carries both the spread between trained models and the sampling noise
/// of finite test sets (with a shared test set and one level, the second is lost).
public enum LabStatistics {
    public struct Interval: Sendable, CustomStringConvertible {
        /// The mean over seeds of each seed's mean difference.
        public var mean: Double
        public var low: Double
        public var high: Double
        /// The (two-sided) level of [low, high].
        public var level: Double

        /// The interval lies entirely above zero (A's score is higher) or entirely below it.
        public var excludesZero: Bool { low > 0 || high < 0 }
        public var description: String { "\(mean) [\(low), \(high)]" }
    }

    /// Two-level percentile bootstrap of the mean of `differences` ([seed][item]; seeds may have different numbers of
    /// items) at `level` (0.95: the 2.5th and 97.5th percentiles of `resamples` resampled means). Seeded, so the
    /// same differences always give the same interval.
    public static func pairedBootstrap(_ differences: [[Double]], level: Double = 0.95, resamples: Int = 4000,
                                       seed: UInt64 = 0x5EED) -> Interval {
        precondition(!differences.isEmpty && differences.allSatisfy { !$0.isEmpty }, "every seed needs items")
        var rng = SplitMix64(seed: seed)
        let seeds = differences.count
        func draw(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var total = 0.0
            for _ in 0..<seeds {
                let items = differences[draw(seeds)]
                var sum = 0.0
                for _ in 0..<items.count { sum += items[draw(items.count)] }
                total += sum / Double(items.count)
            }
            means[r] = total / Double(seeds)
        }
        let mean = differences.map { $0.reduce(0, +) / Double($0.count) }.reduce(0, +) / Double(seeds)
        return interval(sorted: means.sorted(), mean: mean, level: level)
    }

    /// Two-level bootstrap of mean(a) − mean(b) where a and b are scored on different items of the same seeds (e.g.
    /// the test sets of two lengths): seeds are drawn once for both sides, items independently on each side.
    public static func unpairedBootstrap(_ a: [[Double]], minus b: [[Double]], level: Double = 0.95, resamples: Int = 4000,
                                         seed: UInt64 = 0x5EED) -> Interval {
        precondition(a.count == b.count && !a.isEmpty, "the same seeds on both sides")
        var rng = SplitMix64(seed: seed)
        let seeds = a.count
        func draw(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func mean(_ items: [Double]) -> Double {
            var sum = 0.0
            for _ in 0..<items.count { sum += items[draw(items.count)] }
            return sum / Double(items.count)
        }
        var means = [Double](repeating: 0, count: resamples)
        for r in 0..<resamples {
            var total = 0.0
            for _ in 0..<seeds {
                let s = draw(seeds)
                total += mean(a[s]) - mean(b[s])
            }
            means[r] = total / Double(seeds)
        }
        func average(_ t: [[Double]]) -> Double { t.map { $0.reduce(0, +) / Double($0.count) }.reduce(0, +) / Double(t.count) }
        return interval(sorted: means.sorted(), mean: average(a) - average(b), level: level)
    }

    static func interval(sorted means: [Double], mean: Double, level: Double) -> Interval {
        let tail = (1 - level) / 2, n = means.count
        func quantile(_ q: Double) -> Double {
            let x = q * Double(n - 1), i = Int(x.rounded(.down)), f = x - Double(i)
            return i + 1 < n ? means[i] * (1 - f) + means[i + 1] * f : means[i]
        }
        return Interval(mean: mean, low: quantile(tail), high: quantile(1 - tail), level: level)
    }

    /// Item-by-item differences a − b of two score tables of the same shape ([seed][item]).
    public static func differences(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        precondition(a.count == b.count, "the same seeds on both sides")
        return zip(a, b).map { x, y in
            precondition(x.count == y.count, "the same test items on both sides")
            return zip(x, y).map { $0 - $1 }
        }
    }

    /// exp of the mean over seeds of each seed's mean loss: the geometric mean of the seeds' perplexities.
    public static func geometricMeanPerplexity(_ losses: [[Double]]) -> Double {
        exp(losses.map { $0.reduce(0, +) / Double($0.count) }.reduce(0, +) / Double(losses.count))
    }

    /// The median of `xs`.
    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
}
