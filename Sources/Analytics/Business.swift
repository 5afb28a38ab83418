import EventStore

/// Revenue, average revenue per user, subscriptions, churn and an LTV estimate.
public enum Business {
    public struct Request: Codable, Sendable, Equatable {
        /// Events whose `value` is revenue (default `payment`).
        public var paymentEvent: String
        public var subscriptionStartedEvent: String
        public var subscriptionCanceledEvent: String
        public var interval: Interval
        /// Conditions every event counted (payments, subscriptions, activity) must meet.
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?

        public init(paymentEvent: String = "payment", subscriptionStartedEvent: String = "subscription_started",
                    subscriptionCanceledEvent: String = "subscription_canceled", interval: Interval = .day,
                    filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
            self.paymentEvent = paymentEvent
            self.subscriptionStartedEvent = subscriptionStartedEvent
            self.subscriptionCanceledEvent = subscriptionCanceledEvent
            self.interval = interval
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case interval, filters, from, to
            case paymentEvent = "payment_event", subscriptionStartedEvent = "subscription_started_event"
            case subscriptionCanceledEvent = "subscription_canceled_event"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Request()
            self.init(paymentEvent: try c.decode(.paymentEvent, or: d.paymentEvent),
                      subscriptionStartedEvent: try c.decode(.subscriptionStartedEvent, or: d.subscriptionStartedEvent),
                      subscriptionCanceledEvent: try c.decode(.subscriptionCanceledEvent, or: d.subscriptionCanceledEvent),
                      interval: try c.decode(.interval, or: .day), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            try validateName(paymentEvent, "payment_event")
            try validateName(subscriptionStartedEvent, "subscription_started_event")
            try validateName(subscriptionCanceledEvent, "subscription_canceled_event")
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    public struct Period: Codable, Sendable, Equatable {
        public var start: String
        /// Sum of the payment events' values.
        public var revenue: Double
        /// Distinct users with a payment.
        public var payingUsers: Int
        public var newSubscriptions: Int
        public var canceledSubscriptions: Int
        /// Users with an active subscription at the period's start.
        public var subscribersAtStart: Int
        /// Of those, how many canceled during the period.
        public var churned: Int
        /// churned / subscribersAtStart; nil without subscribers at the start.
        public var churnRate: Double?

        enum CodingKeys: String, CodingKey {
            case start, revenue, churned
            case payingUsers = "paying_users", newSubscriptions = "new_subscriptions"
            case canceledSubscriptions = "canceled_subscriptions", subscribersAtStart = "subscribers_at_start", churnRate = "churn_rate"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        public var periods: [Period]
        public var totalRevenue: Double
        /// Distinct users with any event in range.
        public var activeUsers: Int
        public var payingUsers: Int
        /// totalRevenue / activeUsers; nil without active users.
        public var arpu: Double?
        /// totalRevenue / payingUsers; nil without paying users.
        public var arppu: Double?
        /// Sum of churned / sum of subscribers at start, over the periods; nil when no period
        /// began with subscribers.
        public var churnRate: Double?
        /// Mean over periods with payers of (revenue / paying users), divided by `churnRate`:
        /// the revenue a paying user brings before churning. Nil when churnRate is nil or 0.
        public var ltv: Double?

        enum CodingKeys: String, CodingKey {
            case interval, periods, arpu, arppu, ltv
            case totalRevenue = "total_revenue", activeUsers = "active_users", payingUsers = "paying_users", churnRate = "churn_rate"
        }
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        // Subscription state at the range's start needs the history before it.
        let scan = EventScan(reader, from: nil, to: request.to)
        let rangeStart = request.from ?? scan.firstTime
        guard let rangeStart, let (first, last) = scan.bucketRange(from: rangeStart, to: request.to) else {
            return Result(interval: request.interval, periods: [], totalRevenue: 0, activeUsers: 0, payingUsers: 0)
        }
        let buckets = try TimeBuckets(request.interval, from: first, through: last, limit: Trends.maxBuckets)
        let n = buckets.count
        let filters = FilterSet(request.filters, scan)
        let payment = scan.id(request.paymentEvent), started = scan.id(request.subscriptionStartedEvent)
        let canceled = scan.id(request.subscriptionCanceledEvent)

        var revenue = [Double](repeating: 0, count: n), newSubs = [Int](repeating: 0, count: n)
        var canceledSubs = [Int](repeating: 0, count: n), churned = [Int](repeating: 0, count: n)
        var atStart = [Int](repeating: 0, count: n)
        let paying = DistinctUsers(slots: 1, buckets: n, userCapacity: scan.userCapacity)
        let active = StateArray<Bool>(repeating: false, count: scan.userCapacity)
        var activeCount = 0
        // Start of each user's current subscription, .max when none.
        let subscribedSince = StateArray<Int64>(repeating: .max, count: scan.userCapacity)
        var subscribers = 0
        var nextBound = 0  // the next bucket whose start has not been passed
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let ts = part.block.timestamps(), users = part.block.users(), actions = part.block.terms(.action)
            let values = part.block.values()
            for i in rows {
                let t = ts[i]
                while nextBound < n && t >= buckets.bounds[nextBound] {
                    atStart[nextBound] = subscribers
                    nextBound += 1
                }
                let b = nextBound - 1  // bucket of t when t is in range
                let inRange = t >= rangeStart && b >= 0 && t < buckets.bounds[n]
                let u = Int(users[i]), a = actions[i]
                if inRange && u != 0 && !active[u] {
                    active[u] = true
                    activeCount += 1
                }
                if a == payment {
                    if inRange && !values[i].isNaN {
                        revenue[b] += values[i]
                        if u != 0 { paying.add(user: UInt32(u), slot: 0, bucket: b) }
                    }
                } else if a == started, u != 0 {
                    if subscribedSince[u] == .max {
                        subscribedSince[u] = t
                        subscribers += 1
                    }
                    if inRange { newSubs[b] += 1 }
                } else if a == canceled, u != 0 {
                    if inRange { canceledSubs[b] += 1 }
                    if subscribedSince[u] != .max {
                        if inRange && subscribedSince[u] < buckets.bounds[b] { churned[b] += 1 }
                        subscribedSince[u] = .max
                        subscribers -= 1
                    }
                }
            }
        }
        while nextBound < n {
            atStart[nextBound] = subscribers
            nextBound += 1
        }

        let total = revenue.reduce(0, +)
        let periods = (0..<n).map { b in
            Period(start: buckets.label(b), revenue: revenue[b], payingUsers: paying.perBucket[b], newSubscriptions: newSubs[b],
                   canceledSubscriptions: canceledSubs[b], subscribersAtStart: atStart[b], churned: churned[b],
                   churnRate: atStart[b] == 0 ? nil : Double(churned[b]) / Double(atStart[b]))
        }
        let subscriberPeriods = atStart.reduce(0, +)
        let churnRate = subscriberPeriods == 0 ? nil : Double(churned.reduce(0, +)) / Double(subscriberPeriods)
        let perPayer = periods.filter { $0.payingUsers > 0 }.map { $0.revenue / Double($0.payingUsers) }
        let meanPerPayer = perPayer.isEmpty ? nil : perPayer.reduce(0, +) / Double(perPayer.count)
        let payingUsers = paying.perSlot[0]
        return Result(interval: request.interval, periods: periods, totalRevenue: total, activeUsers: activeCount,
                      payingUsers: payingUsers, arpu: activeCount == 0 ? nil : total / Double(activeCount),
                      arppu: payingUsers == 0 ? nil : total / Double(payingUsers), churnRate: churnRate,
                      ltv: meanPerPayer.flatMap { m in churnRate.flatMap { $0 > 0 ? m / $0 : nil } })
    }
}
