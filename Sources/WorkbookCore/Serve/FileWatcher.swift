import Foundation

/// Tells when any of a set of files and folders changes, by polling: every `interval` it stats every file
/// (folders recursively, hidden entries skipped — editors' swap files, the tool's own temporary files) and
/// compares modification time, size and inode with the previous look. Portable, catches save-by-rename, and
/// costs a few hundred stat calls per look for a book.
final class FileWatcher: @unchecked Sendable {
    struct Stamp: Equatable, Sendable {
        var modified: Double
        var size: Int64
        var inode: UInt64
    }
    typealias Snapshot = [String: Stamp]

    let interval: Double
    private let onChange: @Sendable ([String]) -> Void
    private let lock = NSCondition()
    private var roots: [URL] = []
    private var excluded: [String] = []
    private var snapshot: Snapshot = [:]
    private var stopping = false
    private var thread: Thread?

    /// `onChange` is called on the watcher's thread with the changed paths (added, removed or modified).
    init(interval: Double = 0.2, onChange: @escaping @Sendable ([String]) -> Void) {
        self.interval = interval
        self.onChange = onChange
    }

    /// Sets what to watch (folders are watched recursively; nothing under `excluding`). Files already watched keep
    /// their last stamp, so a change made while the set is being replaced is still seen; new ones start from now.
    func watch(_ roots: [URL], excluding: [URL] = []) {
        let excluded = excluding.map { $0.standardizedFileURL.path }
        let fresh = Self.snapshot(of: roots, excluding: excluded)
        let rootPaths = roots.map { $0.standardizedFileURL.path }
        lock.lock()
        self.roots = roots
        self.excluded = excluded
        // Old stamps under the new roots stay, removed files included, so the next look reports their change.
        let kept = snapshot.filter { path, _ in rootPaths.contains { path == $0 || path.hasPrefix($0 + "/") } }
        snapshot = fresh.merging(kept) { _, old in old }
        lock.unlock()
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "workbook file watcher"
        lock.lock(); self.thread = thread; lock.unlock()
        thread.start()
    }

    /// Stops polling; returns once the watcher's thread will call `onChange` no more.
    func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        while thread != nil { lock.wait() }
        lock.unlock()
    }

    private func run() {
        lock.lock()
        while !stopping {
            _ = lock.wait(until: Date(timeIntervalSinceNow: interval))
            if stopping { break }
            let (roots, excluded) = (self.roots, self.excluded)
            lock.unlock()
            let fresh = Self.snapshot(of: roots, excluding: excluded)
            lock.lock()
            guard !stopping else { break }
            let changed = Self.differences(snapshot, fresh)
            snapshot = fresh
            if !changed.isEmpty {
                lock.unlock()
                onChange(changed)
                lock.lock()
            }
        }
        thread = nil
        lock.broadcast()
        lock.unlock()
    }

    static func differences(_ old: Snapshot, _ new: Snapshot) -> [String] {
        let keys = Set(old.keys).union(new.keys)
        return keys.filter { old[$0] != new[$0] }.sorted()
    }

    static func snapshot(of roots: [URL], excluding excluded: [String] = []) -> Snapshot {
        var result: Snapshot = [:]
        for root in roots { add(root.standardizedFileURL.path, to: &result, excluding: excluded) }
        return result
    }

    private static func add(_ path: String, to snapshot: inout Snapshot, excluding excluded: [String]) {
        guard !excluded.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { return }
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !name.hasPrefix(".") {
                add(path + "/" + name, to: &snapshot, excluding: excluded)
            }
            return
        }
        #if canImport(Darwin)
        let modified = Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
        #else
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        #endif
        snapshot[path] = Stamp(modified: modified, size: Int64(info.st_size), inode: UInt64(info.st_ino))
    }
}
