import TSDB

extension Parser {
    /// A vector selector after its optional metric name token: `[name] [{matchers}]`.
    /// The implicit `__name__` matcher is appended last, as in Prometheus.
    mutating func parseVectorSelector(name nameToken: Token?) throws(PromQLError) -> VectorSelector {
        var matchers: [Matcher] = []
        let start = nameToken?.start ?? peek.start
        var end = nameToken?.end ?? peek.start
        if peek.kind == .leftBrace || nameToken == nil {
            try expect(.leftBrace)
            matchers = try parseLabelMatchers()
            end = lastClosing
        }
        let name = nameToken?.text
        if let name { matchers.append(Matcher.equal(Labels.metricName, name)) }
        return VectorSelector(name: name, matchers: matchers, position: PositionRange(start: start, end: end))
    }

    /// The matchers after `{`, through the closing `}`. A trailing comma is allowed.
    mutating func parseLabelMatchers() throws(PromQLError) -> [Matcher] {
        var matchers: [Matcher] = []
        while true {
            if peek.kind == .rightBrace {
                advance()
                return matchers
            }
            matchers.append(try parseLabelMatcher())
            switch peek.kind {
            case .comma: advance()
            case .rightBrace:
                advance()
                return matchers
            default:
                throw unexpected(context: "label matching", expected: "\",\" or \"}\"")
            }
        }
    }

    /// `name op "value"`, `"name" op "value"`, or a bare `"metric name"`.
    mutating func parseLabelMatcher() throws(PromQLError) -> Matcher {
        let nameToken = peek
        let name: String
        switch nameToken.kind {
        case .identifier:
            advance()
            name = nameToken.text
            guard matchKind(peek.kind) != nil else {
                throw unexpected(context: "label matching", expected: "label matching operator")
            }
        case .string:
            advance()
            name = try unquote(nameToken)
            if matchKind(peek.kind) == nil {
                return Matcher.equal(Labels.metricName, name)
            }
        default:
            throw unexpected(context: "label matching", expected: "identifier or \"}\"")
        }
        guard let kind = matchKind(advance().kind) else { throw unexpected() }
        let valueToken = try expect(.string, context: "label matching", expected: "string")
        let value = try unquote(valueToken)
        do {
            return try Matcher(kind, name, value)
        } catch {
            throw self.error("error parsing regexp: invalid regular expression \(goQuote(value))",
                             PositionRange(start: nameToken.start, end: valueToken.end))
        }
    }

    private func matchKind(_ kind: TokenKind) -> Matcher.Kind? {
        switch kind {
        case .assign: return .equal
        case .neq: return .notEqual
        case .eqlRegex: return .regexMatch
        case .neqRegex: return .regexNoMatch
        default: return nil
        }
    }

    /// `( [label {, label} [,]] )` for by/without/on/ignoring/group_left/group_right.
    /// Labels may be identifiers, most keywords, or quoted strings (UTF-8 names).
    mutating func parseGroupingLabels() throws(PromQLError) -> [String] {
        try expect(.leftParen, context: "grouping opts", expected: "\"(\"")
        var labels: [String] = []
        if peek.kind == .rightParen {
            advance()
            return labels
        }
        while true {
            let t = peek
            if t.kind.canBeGroupingLabel {
                advance()
                labels.append(t.text)
            } else if t.kind == .string {
                advance()
                let label = try unquote(t)
                if label.isEmpty { throw error("invalid label name for grouping: \"\"", t.position) }
                labels.append(label)
            } else {
                throw unexpected(context: "grouping opts", expected: "label")
            }
            switch peek.kind {
            case .comma:
                advance()
                if peek.kind == .rightParen {
                    advance()
                    return labels
                }
            case .rightParen:
                advance()
                return labels
            default:
                throw unexpected(context: "grouping opts", expected: "\",\" or \")\"")
            }
        }
    }
}
