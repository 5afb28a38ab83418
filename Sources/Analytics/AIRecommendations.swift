import EventStore
import Foundation

/// How AI recommendations fare, per model version: shown, accepted, modified, rejected,
/// acceptance over time, satisfaction, and how much the outcome mix drifted between two periods.
public enum AIRecommendations {
    public struct Request: Codable, Sendable, Equatable {
        /// The property naming the model on every event counted (default `model_version`).
        public var modelProperty: String
        public var shownEvent: String
        public var acceptedEvent: String
        public var modifiedEvent: String
        public var rejectedEvent: String
        /// The event whose `value` is a satisfaction rating (default `satisfaction_rated`).
        public var satisfactionEvent: String
        /// Buckets of the acceptance series.
        public var interval: Interval
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?
        /// The two periods drift compares (ms, end exclusive); nil: the range's first and second halves.
        public var baseline: TimeRange?
        public var comparison: TimeRange?

        public init(modelProperty: String = "model_version", shownEvent: String = "recommendation_shown",
                    acceptedEvent: String = "recommendation_accepted", modifiedEvent: String = "recommendation_modified",
                    rejectedEvent: String = "recommendation_rejected", satisfactionEvent: String = "satisfaction_rated",
                    interval: Interval = .day, filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil,
                    baseline: TimeRange? = nil, comparison: TimeRange? = nil) {
            self.modelProperty = modelProperty
            self.shownEvent = shownEvent
            self.acceptedEvent = acceptedEvent
            self.modifiedEvent = modifiedEvent
            self.rejectedEvent = rejectedEvent
            self.satisfactionEvent = satisfactionEvent
            self.interval = interval
            self.filters = filters
            self.from = from
            self.to = to
            self.baseline = baseline
            self.comparison = comparison
        }

        enum CodingKeys: String, CodingKey {
            case interval, filters, from, to, baseline, comparison
            case modelProperty = "model_property", shownEvent = "shown_event", acceptedEvent = "accepted_event"
            case modifiedEvent = "modified_event", rejectedEvent = "rejected_event", satisfactionEvent = "satisfaction_event"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Request()
            self.init(modelProperty: try c.decode(.modelProperty, or: d.modelProperty), shownEvent: try c.decode(.shownEvent, or: d.shownEvent),
                      acceptedEvent: try c.decode(.acceptedEvent, or: d.acceptedEvent), modifiedEvent: try c.decode(.modifiedEvent, or: d.modifiedEvent),
                      rejectedEvent: try c.decode(.rejectedEvent, or: d.rejectedEvent),
                      satisfactionEvent: try c.decode(.satisfactionEvent, or: d.satisfactionEvent),
                      interval: try c.decode(.interval, or: .day), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to),
                      baseline: try c.decodeIfPresent(TimeRange.self, forKey: .baseline),
                      comparison: try c.decodeIfPresent(TimeRange.self, forKey: .comparison))
        }

        func validate() throws(AnalyticsError) {
            for (name, field) in [(modelProperty, "model_property"), (shownEvent, "shown_event"), (acceptedEvent, "accepted_event"),
                                  (modifiedEvent, "modified_event"), (rejectedEvent, "rejected_event"), (satisfactionEvent, "satisfaction_event")] {
                try validateName(name, field)
            }
            try filters.validate("filters")
            try validateRange(from, to)
            guard (baseline == nil) == (comparison == nil) else { throw .invalid("baseline and comparison: give both or neither") }
            try baseline?.validate("baseline")
            try comparison?.validate("comparison")
        }
    }

    /// Outcome counts of one period.
    public struct Outcomes: Codable, Sendable, Equatable {
        public var accepted = 0
        public var modified = 0
        public var rejected = 0

        var total: Int { accepted + modified + rejected }

        /// Counts one outcome: 1 accepted, 2 modified, 3 rejected.
        mutating func add(_ kind: Int) {
            switch kind {
            case 1: accepted += 1
            case 2: modified += 1
            default: rejected += 1
            }
        }
        var counts: [Double] { [Double(accepted), Double(modified), Double(rejected)] }
    }

    /// How far the outcome mix (accepted / modified / rejected) moved from `baseline` to `comparison`.
    public struct Drift: Codable, Sendable, Equatable {
        public var baseline: Outcomes
        public var comparison: Outcomes
        /// Jensen-Shannon divergence of the two mixes, base 2: 0 (same) to 1 (disjoint); nil
        /// when a period has no outcomes.
        public var jensenShannon: Double?
        /// Population stability index, sum of (c - b) ln(c / b) over the outcomes, each share
        /// smoothed as (n + 0.5) / (total + 1.5); nil when a period has no outcomes.
        public var psi: Double?

        enum CodingKeys: String, CodingKey {
            case baseline, comparison, psi
            case jensenShannon = "jensen_shannon"
        }
    }

    public struct AcceptancePoint: Codable, Sendable, Equatable {
        public var start: String
        public var shown: Int
        public var accepted: Int
        /// accepted / shown; nil when nothing was shown.
        public var acceptanceRate: Double?

        enum CodingKeys: String, CodingKey {
            case start, shown, accepted
            case acceptanceRate = "acceptance_rate"
        }
    }

    public struct Model: Codable, Sendable, Equatable {
        /// The model property's value (`null` for events without it).
        public var model: ScalarValue
        public var shown: Int
        public var accepted: Int
        public var modified: Int
        public var rejected: Int
        /// accepted / shown; nil when nothing was shown.
        public var acceptanceRate: Double?
        /// Mean `value` of the satisfaction events (those without a value left out); nil without any.
        public var meanSatisfaction: Double?
        public var ratings: Int
        public var acceptanceOverTime: [AcceptancePoint]
        public var drift: Drift

        enum CodingKeys: String, CodingKey {
            case model, shown, accepted, modified, rejected, ratings, drift
            case acceptanceRate = "acceptance_rate", meanSatisfaction = "mean_satisfaction", acceptanceOverTime = "acceptance_over_time"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var interval: Interval
        /// Ordered by model value.
        public var models: [Model]
        public var baseline: TimeRange?
        public var comparison: TimeRange?
    }

    static let maxModels = 1000

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        guard let (first, last) = scan.bucketRange(from: request.from, to: request.to) else {
            return Result(interval: request.interval, models: [], baseline: request.baseline, comparison: request.comparison)
        }
        let buckets = try TimeBuckets(request.interval, from: first, through: last, limit: Trends.maxBuckets)
        let mid = first + (last + 1 - first) / 2
        let baseline = request.baseline ?? TimeRange(from: first, to: mid)
        let comparison = request.comparison ?? TimeRange(from: mid, to: last + 1)
        let filters = FilterSet(request.filters, scan)
        let key = scan.id(request.modelProperty)

        // kind[action term id]: 1 shown, 2 accepted, 3 modified, 4 rejected, 5 satisfaction.
        let names = [request.shownEvent, request.acceptedEvent, request.modifiedEvent, request.rejectedEvent, request.satisfactionEvent]
        let ids = names.map(scan.id)
        var kind = [UInt8](repeating: 0, count: Int(ids.compactMap { $0 }.max() ?? 0) + 1)
        for (k, id) in ids.enumerated().reversed() { if let id { kind[Int(id)] = UInt8(k + 1) } }

        var slots = TermSlots()
        var counts: [[Int]] = []  // per slot: the 5 kinds
        var satisfaction: [Double] = [], ratings: [Int] = []
        var shownAt: [[Int]] = [], acceptedAt: [[Int]] = []
        var periods: [[Outcomes]] = []  // per slot: baseline, comparison
        var tooMany = false
        for part in scan.parts {
            guard let rows = filters.rows(part) else { continue }
            let actions = part.block.terms(.action), ts = part.block.timestamps(), values = part.block.values()
            let models = key.flatMap { part.block.property($0) }
            var cursor = BucketCursor(buckets)
            for i in rows {
                let a = Int(actions[i])
                guard a < kind.count, kind[a] != 0 else { continue }
                let b = cursor.bucket(of: ts[i])
                let model = models?[i] ?? 0
                if slots.existing(model) == nil && slots.count == maxModels {
                    tooMany = true
                    continue
                }
                let s = slots.slot(model)
                if s == counts.count {
                    counts.append([0, 0, 0, 0, 0])
                    satisfaction.append(0)
                    ratings.append(0)
                    shownAt.append([Int](repeating: 0, count: buckets.count))
                    acceptedAt.append([Int](repeating: 0, count: buckets.count))
                    periods.append([Outcomes(), Outcomes()])
                }
                let k = Int(kind[a]) - 1
                counts[s][k] += 1
                switch k {
                case 0: shownAt[s][b] += 1
                case 1: acceptedAt[s][b] += 1
                case 4:
                    if !values[i].isNaN {
                        satisfaction[s] += values[i]
                        ratings[s] += 1
                    }
                default: break
                }
                if (1...3).contains(k) {
                    if baseline.contains(ts[i]) { periods[s][0].add(k) }
                    if comparison.contains(ts[i]) { periods[s][1].add(k) }
                }
            }
        }
        guard !tooMany else {
            throw AnalyticsError(.tooLarge, "\(request.modelProperty) has more than the \(maxModels) values allowed; filter the events")
        }
        let labels = buckets.labels
        func rate(_ part: Int, _ whole: Int) -> Double? { whole == 0 ? nil : Double(part) / Double(whole) }
        var models: [Model] = []
        for s in 0..<slots.count {
            let series = (0..<buckets.count).map { b in
                AcceptancePoint(start: labels[b], shown: shownAt[s][b], accepted: acceptedAt[s][b], acceptanceRate: rate(acceptedAt[s][b], shownAt[s][b]))
            }
            let c = counts[s]
            models.append(Model(model: ScalarValue(term: slots.terms[s], scan.terms), shown: c[0], accepted: c[1], modified: c[2],
                                rejected: c[3], acceptanceRate: rate(c[1], c[0]),
                                meanSatisfaction: ratings[s] == 0 ? nil : satisfaction[s] / Double(ratings[s]), ratings: ratings[s],
                                acceptanceOverTime: series, drift: drift(periods[s][0], periods[s][1])))
        }
        models.sort { $0.model.description < $1.model.description }
        return Result(interval: request.interval, models: models, baseline: baseline, comparison: comparison)
    }

    static func drift(_ a: Outcomes, _ b: Outcomes) -> Drift {
        guard a.total > 0, b.total > 0 else { return Drift(baseline: a, comparison: b, jensenShannon: nil, psi: nil) }
        let p = a.counts.map { $0 / Double(a.total) }, q = b.counts.map { $0 / Double(b.total) }
        func kl(_ x: [Double], _ m: [Double]) -> Double {
            zip(x, m).reduce(0) { $0 + ($1.0 > 0 ? $1.0 * log2($1.0 / $1.1) : 0) }
        }
        let m = zip(p, q).map { ($0 + $1) / 2 }
        let js = (kl(p, m) + kl(q, m)) / 2
        let ps = a.counts.map { ($0 + 0.5) / (Double(a.total) + 1.5) }, qs = b.counts.map { ($0 + 0.5) / (Double(b.total) + 1.5) }
        let psi = zip(ps, qs).reduce(0) { $0 + ($1.1 - $1.0) * log($1.1 / $1.0) }
        return Drift(baseline: a, comparison: b, jensenShannon: max(0, js), psi: psi)
    }
}

/// A time range in ms since the epoch, `to` exclusive.
public struct TimeRange: Codable, Sendable, Equatable {
    public var from: Int64
    public var to: Int64

    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    func contains(_ t: Int64) -> Bool { t >= from && t < to }

    func validate(_ field: String) throws(AnalyticsError) {
        guard from < to else { throw .invalid("\(field): from (\(from)) must be before to (\(to))") }
    }
}
