import EventStore

/// The per-user state machine behind `Funnel`, fed every event in time order.
///
/// Ordered modes keep, per user and step k, the sequence reaching step k that started latest
/// (it leaves the most of the window for later steps, so it dominates every other sequence at
/// step k) and when its step-k event happened. Events of one user at one timestamp form a
/// group: they all see the state from before the group, so a step is never taken at the same
/// instant as the step before it; the group's changes land when the user's next group begins.
/// Strict mode replaces the state by the group's changes, so a group that extends no sequence
/// ends them all. `any_order` keeps the last time of each step instead and counts the distinct
/// steps within one window ending at the current event.
struct FunnelMachine {
    let mode: Funnel.Mode
    let k: Int
    let window: Int64
    let source: EventScan
    let filters: FilterSet
    let stepFilters: [FilterSet]
    let breakdown: ResolvedField?
    /// Bitmask of the steps whose action has term id `i`.
    let actionSteps: [UInt32]

    static let none = Int64.min

    // State, `k` entries per user.
    let start: StateArray<Int64>
    let stepTime: StateArray<Int64>
    let pendingStart: StateArray<Int64>
    let pendingStep: StateArray<Int64>
    let pendingTime: StateArray<Int64>
    /// Highest step reached (1-based), per user.
    let level: StateArray<UInt8>
    /// Time from the step before to step `s` when a user first reached it, ms.
    let conversion: StateArray<Int64>
    /// Breakdown slot of each user's first-touch event, -1 before it.
    let firstTouch: StateArray<Int32>
    var touchSlots = TermSlots()

    init(_ request: Funnel.Request, _ scan: EventScan) {
        mode = request.mode
        k = request.steps.count
        window = request.windowSeconds * 1000
        source = scan
        filters = FilterSet(request.filters, scan)
        stepFilters = request.steps.map { FilterSet($0.filters, scan) }
        breakdown = request.breakdown.map { ResolvedField($0, scan) }
        let ids = request.steps.map { scan.id($0.action) }
        var actionSteps = [UInt32](repeating: 0, count: Int(ids.compactMap { $0 }.max() ?? 0) + 1)
        for (s, id) in ids.enumerated() { if let id { actionSteps[Int(id)] |= 1 << UInt32(s) } }
        self.actionSteps = actionSteps
        let n = scan.userCapacity
        let ordered = mode != .anyOrder
        start = StateArray(repeating: FunnelMachine.none, count: n * k)
        stepTime = StateArray(repeating: FunnelMachine.none, count: n * k)
        pendingStart = StateArray(repeating: FunnelMachine.none, count: ordered ? n * k : 0)
        pendingStep = StateArray(repeating: FunnelMachine.none, count: ordered ? n * k : 0)
        pendingTime = StateArray(repeating: FunnelMachine.none, count: ordered ? n : 0)
        level = StateArray(repeating: 0, count: n)
        conversion = StateArray(repeating: 0, count: n * k)
        firstTouch = StateArray(repeating: -1, count: request.breakdown == nil ? 0 : n)
    }

    mutating func scan() {
        for part in source.parts {
            guard let rows = filters.rows(part) else { continue }
            let stepBound = stepFilters.map { $0.bind(part.block) }
            let ts = part.block.timestamps(), users = part.block.users(), actions = part.block.terms(.action)
            // The breakdown field's column; nil when the block lacks it (every value null).
            let touch = breakdown?.column(part.block)
            for i in rows {
                let u = Int(users[i])
                if u == 0 { continue }
                let a = Int(actions[i])
                var mask = a < actionSteps.count ? actionSteps[a] : 0
                if mask == 0 && (mode != .strict || pendingTime[u] == FunnelMachine.none) { continue }
                // Drop the steps whose own filters the event fails.
                var m = mask
                while m != 0 {
                    let s = m.trailingZeroBitCount
                    m &= m - 1
                    let passes = stepBound[s].map { $0.matchesAll || $0.matches(i) } ?? false
                    if !passes { mask &= ~(1 << UInt32(s)) }
                }
                if breakdown != nil, firstTouch[u] < 0, mask & (mode == .anyOrder ? ~0 : 1) != 0 {
                    firstTouch[u] = Int32(touchSlots.slot(touch?[i] ?? 0))
                }
                if mode == .anyOrder {
                    anyOrder(user: u, at: ts[i], steps: mask)
                } else {
                    ordered(user: u, at: ts[i], steps: mask)
                }
            }
        }
    }

    /// Sequential and strict: one event of `user` at `t` matching the steps in `steps`.
    @inline(__always)
    func ordered(user u: Int, at t: Int64, steps: UInt32) {
        let base = u * k
        if pendingTime[u] != t {
            if pendingTime[u] != FunnelMachine.none { apply(base) }
            pendingTime[u] = t
        }
        var m = steps
        while m != 0 {
            let s = m.trailingZeroBitCount
            m &= m - 1
            let candidate: Int64, previous: Int64
            if s == 0 {
                candidate = t
                previous = t
            } else {
                let from = start[base + s - 1]
                guard from != FunnelMachine.none, t - from <= window else { continue }
                candidate = from
                previous = stepTime[base + s - 1]
            }
            if pendingStart[base + s] == FunnelMachine.none || candidate > pendingStart[base + s] {
                pendingStart[base + s] = candidate
                pendingStep[base + s] = t
            }
            if Int(level[u]) < s + 1 {
                level[u] = UInt8(s + 1)
                conversion[base + s] = t - previous
            }
        }
    }

    /// Lands a user's pending group: the better sequence per step wins (sequential), or the
    /// group's sequences are all that is left (strict).
    @inline(__always)
    func apply(_ base: Int) {
        for s in 0..<k {
            let p = pendingStart[base + s]
            if mode == .strict {
                start[base + s] = p
                stepTime[base + s] = pendingStep[base + s]
            } else if p != FunnelMachine.none && (start[base + s] == FunnelMachine.none || p > start[base + s]) {
                start[base + s] = p
                stepTime[base + s] = pendingStep[base + s]
            }
            pendingStart[base + s] = FunnelMachine.none
        }
    }

    /// `any_order`: `start` holds the last time of each step.
    @inline(__always)
    func anyOrder(user u: Int, at t: Int64, steps: UInt32) {
        guard steps != 0 else { return }
        let base = u * k
        var m = steps
        while m != 0 {
            let s = m.trailingZeroBitCount
            m &= m - 1
            start[base + s] = t
        }
        var done = 0
        for s in 0..<k where start[base + s] != FunnelMachine.none && t - start[base + s] <= window { done += 1 }
        guard done > Int(level[u]) else { return }
        // Times of the steps in this window, ascending, for the conversion times of new levels.
        var times: [Int64] = []
        times.reserveCapacity(done)
        for s in 0..<k where start[base + s] != FunnelMachine.none && t - start[base + s] <= window { times.append(start[base + s]) }
        times.sort()
        for reached in Int(level[u])..<done where reached > 0 { conversion[base + reached] = times[reached] - times[reached - 1] }
        level[u] = UInt8(done)
    }


    func conversionTime(user: Int, step: Int) -> Int64 { conversion[user * k + step] }
}
