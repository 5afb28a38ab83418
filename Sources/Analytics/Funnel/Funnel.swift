import EventStore
import Statistics

/// How many users go through ordered steps within a conversion window, step by step.
public enum Funnel {
    public enum Mode: String, RequestEnum {
        /// Each step strictly later than the one before, any events in between.
        case sequential
        /// As sequential, and no other event of the user strictly between consecutive steps.
        case strict
        /// The steps in any order: a user is at step k after doing k distinct steps.
        case anyOrder = "any_order"
    }

    public struct Step: Codable, Sendable, Equatable {
        public var action: String
        /// Conditions the step's event must also meet.
        public var filters: [EventFilter]

        public init(_ action: String, filters: [EventFilter] = []) {
            self.action = action
            self.filters = filters
        }

        enum CodingKeys: String, CodingKey { case action, filters }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(try c.decode(String.self, forKey: .action), filters: try c.decode(.filters, or: []))
        }
    }

    public struct Request: Codable, Sendable, Equatable {
        /// 1 to 20 steps.
        public var steps: [Step]
        public var mode: Mode
        /// Longest time from the first step's event to the last step's (inclusive), seconds;
        /// default 14 days, at most 10 years.
        public var windowSeconds: Int64
        /// Users split by this field's value on their first step-1 event (first touch; in
        /// `any_order`, their first event of any step).
        public var breakdown: EventField?
        public var breakdownLimit: Int
        /// Conditions every event the funnel sees must meet (steps and, in strict mode, the
        /// events that break a sequence).
        public var filters: [EventFilter]
        public var from: Int64?
        public var to: Int64?

        public init(steps: [Step], mode: Mode = .sequential, windowSeconds: Int64 = 14 * 86_400, breakdown: EventField? = nil,
                    breakdownLimit: Int = 25, filters: [EventFilter] = [], from: Int64? = nil, to: Int64? = nil) {
            self.steps = steps
            self.mode = mode
            self.windowSeconds = windowSeconds
            self.breakdown = breakdown
            self.breakdownLimit = breakdownLimit
            self.filters = filters
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case steps, mode, breakdown, filters, from, to
            case windowSeconds = "window_seconds", breakdownLimit = "breakdown_limit"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(steps: try c.decode([Step].self, forKey: .steps), mode: try c.decode(.mode, or: .sequential),
                      windowSeconds: try c.decode(.windowSeconds, or: 14 * 86_400),
                      breakdown: try c.decodeIfPresent(EventField.self, forKey: .breakdown),
                      breakdownLimit: try c.decode(.breakdownLimit, or: 25), filters: try c.decode(.filters, or: []),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        static let maxSteps = 20

        func validate() throws(AnalyticsError) {
            guard !steps.isEmpty else { throw .invalid("steps: a funnel needs at least one step") }
            guard steps.count <= Request.maxSteps else { throw .invalid("steps: \(steps.count) steps, more than the \(Request.maxSteps) allowed") }
            for (i, step) in steps.enumerated() {
                try validateName(step.action, "steps[\(i)].action")
                try step.filters.validate("steps[\(i)].filters")
            }
            guard windowSeconds > 0 else { throw .invalid("window_seconds: \(windowSeconds) is not positive") }
            try Analytics.validate(windowSeconds, 1...(3660 * 86_400), "window_seconds")
            try Analytics.validate(breakdownLimit, 1...SlotMap.maxLimit, "breakdown_limit")
            try filters.validate("filters")
            try validateRange(from, to)
        }
    }

    public struct StepResult: Codable, Sendable, Equatable {
        public var action: String
        /// Users who reached this step (in `any_order`: who did at least this many of the steps).
        public var users: Int
        /// users / users of the step before (1 for the first step with users, 0 without).
        public var conversionFromPrevious: Double
        /// users / users of the first step.
        public var conversionFromFirst: Double
        /// Users of the step before who did not reach this one (0 for the first step).
        public var dropOff: Int
        /// Median time from the step before to this one over the users who reached it, seconds;
        /// nil for the first step or when nobody reached it.
        public var medianSecondsToConvert: Double?

        enum CodingKeys: String, CodingKey {
            case action, users
            case conversionFromPrevious = "conversion_from_previous", conversionFromFirst = "conversion_from_first"
            case dropOff = "drop_off", medianSecondsToConvert = "median_seconds_to_convert"
        }
    }

    public struct BreakdownResult: Codable, Sendable, Equatable {
        public var breakdown: ScalarValue
        public var steps: [StepResult]
    }

    public struct Result: Codable, Sendable, Equatable {
        public var mode: Mode
        public var steps: [StepResult]
        /// With a breakdown: the same per value, the values with the most users at step 1 first.
        public var breakdowns: [BreakdownResult]?
        public var warnings: [String]
    }

    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        var machine = FunnelMachine(request, scan)
        machine.scan()

        // Users and conversion times per (breakdown slot, step); the last slot is everyone.
        let k = request.steps.count
        let slots = request.breakdown == nil ? 0 : machine.touchSlots.count
        var users = [[Int]](repeating: [Int](repeating: 0, count: k), count: slots + 1)
        var times = [[[Int64]]](repeating: [[Int64]](repeating: [], count: k), count: slots + 1)
        for u in 0..<scan.userCapacity {
            let level = Int(machine.level[u])
            guard level > 0 else { continue }
            let slot = request.breakdown == nil ? slots : Int(machine.firstTouch[u])
            for step in 0..<level {
                users[slots][step] += 1
                if slot != slots { users[slot][step] += 1 }
            }
            for step in 1..<max(level, 1) {
                let t = machine.conversionTime(user: u, step: step)
                times[slots][step].append(t)
                if slot != slots { times[slot][step].append(t) }
            }
        }
        let steps = stepResults(request.steps, users[slots], times[slots])
        var warnings: [String] = []
        var breakdowns: [BreakdownResult]?
        if let breakdown = request.breakdown {
            let order = (0..<slots).map { s in (s, ScalarValue(term: machine.touchSlots.terms[s], scan.terms)) }
                .sorted { (users[$1.0][0], $0.1.description) < (users[$0.0][0], $1.1.description) }
            if order.count > request.breakdownLimit {
                warnings.append("breakdown \(breakdown) has \(order.count) values; showing the \(request.breakdownLimit) with the most users at step 1 (raise breakdown_limit, at most \(SlotMap.maxLimit))")
            }
            breakdowns = order.prefix(request.breakdownLimit).map { s, value in
                BreakdownResult(breakdown: value, steps: stepResults(request.steps, users[s], times[s]))
            }
        }
        return Result(mode: request.mode, steps: steps, breakdowns: breakdowns, warnings: warnings)
    }

    static func stepResults(_ steps: [Step], _ users: [Int], _ times: [[Int64]]) -> [StepResult] {
        steps.indices.map { i in
            let previous = i == 0 ? users[0] : users[i - 1]
            return StepResult(
                action: steps[i].action, users: users[i],
                conversionFromPrevious: previous == 0 ? 0 : Double(users[i]) / Double(previous),
                conversionFromFirst: users[0] == 0 ? 0 : Double(users[i]) / Double(users[0]),
                dropOff: previous - users[i],
                medianSecondsToConvert: i == 0 ? nil : try? median(times[i].map { Double($0) / 1000 }))
        }
    }
}
