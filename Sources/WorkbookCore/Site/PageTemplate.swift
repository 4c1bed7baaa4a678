import Foundation
import Presentation

/// The theme's page template (`page.html`) with `{{key}}` slots, split once so that filling it is one
/// concatenation (repeated `replacingOccurrences` over 100 kB pages of MathML cost most of a warm rebuild).
struct PageTemplate {
    enum Piece { case text(String), slot(String) }
    let pieces: [Piece]
    /// The template as the theme wrote it (part of each page's script nonce, `PageComposer`).
    let source: String

    init(_ template: String) {
        source = template
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            pieces.append(.text(String(rest[..<open.lowerBound])))
            pieces.append(.slot(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        pieces.append(.text(String(rest)))
        self.pieces = pieces
    }

    /// Unknown slots render empty.
    func render(_ values: [String: String]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .slot(let key): out += values[key] ?? ""
            }
        }
        return out
    }
}

/// A page's link: its file name percent-encoded, so that `#`, `%` or `"` in a chapter's name cannot cut the URL.
func pageURL(_ name: String) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    return (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + ".html"
}

/// Computed text put into HTML (titles, summaries, names): never markup.
func escape(_ text: String) -> String { xmlEscaped(text) }
