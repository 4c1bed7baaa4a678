/// Line splitting that never loses a byte.
///
/// Swift treats "\r\n" as one Character, so `split(separator: "\n")` on a String misses CRLF line ends entirely.
/// This splits at every "\n" byte; a line keeps its "\r", so joining with "\n" restores the text exactly.
enum TextLines {
    static func split(_ text: String) -> [String] {
        Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The line without a trailing "\r" (what a CRLF line means).
    static func content(_ line: String) -> String {
        line.utf8.last == 13 ? String(decoding: line.utf8.dropLast(), as: UTF8.self) : line
    }
}
