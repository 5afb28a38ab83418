/// A regular expression over names (devices, mount points, field names) that remembers its
/// answers: a host shows the same few hundred names every collection, and matching a Swift
/// `Regex` costs microseconds where a dictionary look-up costs nanoseconds.
///
/// Matches the way Go's `regexp.MatchString` does, anywhere in the name unless the pattern is
/// anchored, so node_exporter's patterns carry over unchanged.
struct NamePattern: @unchecked Sendable {
    // `Regex` is not declared Sendable; this one is immutable after init and only read.
    private let regex: Regex<AnyRegexOutput>
    private var memo: [String: Bool] = [:]
    let source: String

    /// Names remembered at most; past it the memo starts over, so churning names (container
    /// interfaces) cannot grow it without bound.
    static let memoLimit = 4096

    init(_ pattern: String) throws {
        do {
            regex = try Regex(pattern)
        } catch {
            throw IngestError(.hostSource, "bad pattern \(pattern): \(error)")
        }
        source = pattern
    }

    mutating func matches(_ name: String) -> Bool {
        if let known = memo[name] { return known }
        let hit = (try? regex.firstMatch(in: name)) != nil
        if memo.count >= Self.memoLimit { memo.removeAll(keepingCapacity: true) }
        memo[name] = hit
        return hit
    }
}
