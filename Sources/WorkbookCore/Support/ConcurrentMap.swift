import Foundation

/// Maps over an array with at most `jobs` elements in flight, keeping the order of the results.
public enum ConcurrentMap {
    public static func map<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, _ transform: @escaping @Sendable (T) -> R) -> [R] {
        let results = ResultSlots<R>(count: items.count)
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, items.count)) {
            group.enter()
            Thread.detachNewThread {
                while let index = next.take(below: items.count) {
                    results.set(index, transform(items[index]))
                }
                group.leave()
            }
        }
        group.wait()
        return results.values()
    }
}

private final class ResultSlots<R>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [R?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: R) { lock.lock(); slots[index] = value; lock.unlock() }
    func values() -> [R] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
