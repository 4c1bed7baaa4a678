import Foundation

/// What the served pages show besides the site: which build they belong to and that build's errors and warnings.
struct ServeState: Sendable, Equatable {
    /// Changes whenever what a page shows changes (a new site, errors appear or go); pages served with an older
    /// generation reload. Unique per server run, so a page left open across a restart reloads too.
    var generation: String
    /// The last build's errors, as printed in the terminal (`Chapters/x.md:12:5: error: …`); empty when it passed.
    var errors: [String] = []
    /// The last build's warnings: outputs shown in the page but not yet recorded in their chapters (preview
    /// drift, `unrecorded` of them), and translations behind their source.
    var warnings: [String] = []
    var unrecorded = 0
}

/// The current `ServeState`, read by request handlers and replaced by builds.
final class ServeStateStore: @unchecked Sendable {
    private let lock = NSLock()
    private var state: ServeState

    init(_ state: ServeState) { self.state = state }

    var current: ServeState {
        lock.lock(); defer { lock.unlock() }
        return state
    }

    func set(_ state: ServeState) {
        lock.lock(); self.state = state; lock.unlock()
    }
}
