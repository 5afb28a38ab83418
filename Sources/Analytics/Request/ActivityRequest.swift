/// Which events make a user active, and the buckets to count activity in: the request of
/// `Stickiness` and `Lifecycle`.
public struct ActivityRequest: Codable, Sendable, Equatable {
    /// The event that makes a user active; nil for any event.
    public var action: String?
    public var interval: Interval
    public var filters: [EventFilter]
    public var from: Int64?
    public var to: Int64?

    public init(action: String? = nil, interval: Interval = .day, filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
        self.action = action
        self.interval = interval
        self.filters = filters
        self.from = from
        self.to = to
    }

    enum CodingKeys: String, CodingKey { case action, interval, filters, from, to }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(action: try c.decodeIfPresent(String.self, forKey: .action), interval: try c.decode(.interval, or: .day),
                  filters: try c.decode(.filters, or: []), from: try c.decodeIfPresent(Int64.self, forKey: .from),
                  to: try c.decodeIfPresent(Int64.self, forKey: .to))
    }

    func validate() throws(AnalyticsError) {
        if let action { try validateName(action, "action") }
        try filters.validate("filters")
        try validateRange(from, to)
    }
}
