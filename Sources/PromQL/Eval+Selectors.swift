import TSDB

/// A series read from storage for a selector, with its stale-marker-free view for range windows.
struct SelectedSeries {
    let labels: Labels
    /// Time-sorted, stale markers included (they end a series for instant lookups).
    let samples: [Sample]
    /// The same without stale markers (range vectors ignore them).
    let rangeSamples: [Sample]

    init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
        if samples.contains(where: { $0.v.isStaleMarker }) {
            rangeSamples = samples.filter { !$0.v.isStaleMarker }
        } else {
            rangeSamples = samples
        }
    }
}

extension Evaluator {
    /// The series matching a selector, read once per query and matcher set.
    func selectSeries(_ vs: VectorSelector) throws(PromQLError) -> [SelectedSeries] {
        let key = vs.matchers.map(\.description).sorted().joined(separator: ",")
        if let cached = state.selected[key] { return cached }
        let result: [SeriesSamples]
        do {
            result = try state.querier.select(vs.matchers)
        } catch {
            throw PromQLError(.execution, "expanding series: \(error)")
        }
        let out = result.map { SelectedSeries(labels: $0.labels, samples: $0.samples) }
        state.selected[key] = out
        return out
    }

    /// The fixed evaluation time of an `@` modifier (start()/end() are resolved before evaluation).
    static func atTime(_ at: AtModifier) -> Int64? {
        if case .timestamp(let t) = at { return t }
        return nil
    }

    /// An instant vector selector at every step: for each series the newest sample in
    /// `(ref - lookback, ref]`, `ref = (@ ?? step) - offset`, unless that sample is a stale marker.
    func evalVectorSelector(_ vs: VectorSelector) throws(PromQLError) -> [EvalSeries] {
        let series = try selectSeries(vs)
        let at = Evaluator.atTime(vs.at)
        let lookback = state.lookback
        var out: [EvalSeries] = []
        out.reserveCapacity(series.count)
        let n = numSteps
        for s in series {
            try state.checkAlive()
            let samples = s.samples
            var points: [Sample] = []
            var idx = 0  // first sample after ref
            for step in 0..<n {
                let ts = stepTime(step)
                let ref = (at ?? ts) - vs.offset
                if idx > 0 && samples[idx - 1].t > ref { idx = firstIndexAfter(samples, ref) }
                while idx < samples.count && samples[idx].t <= ref { idx += 1 }
                guard idx > 0 else { continue }
                let p = samples[idx - 1]
                if p.t <= ref - lookback || p.v.isStaleMarker { continue }
                if points.isEmpty { points.reserveCapacity(n - step) }
                points.append(Sample(t: ts, v: p.v))
            }
            if !points.isEmpty {
                try state.hold(points.count)
                out.append(EvalSeries(labels: s.labels, points: points, dropName: false))
            }
        }
        return out
    }

    /// `timestamp(selector)`: like a vector selector, but the value is the sample's own timestamp.
    func evalTimestampOfSelector(_ vs: VectorSelector) throws(PromQLError) -> [EvalSeries] {
        let series = try selectSeries(vs)
        let at = Evaluator.atTime(vs.at)
        let lookback = state.lookback
        var out: [EvalSeries] = []
        let n = numSteps
        for s in series {
            try state.checkAlive()
            let samples = s.samples
            var points: [Sample] = []
            var idx = 0
            for step in 0..<n {
                let ts = stepTime(step)
                let ref = (at ?? ts) - vs.offset
                if idx > 0 && samples[idx - 1].t > ref { idx = firstIndexAfter(samples, ref) }
                while idx < samples.count && samples[idx].t <= ref { idx += 1 }
                guard idx > 0 else { continue }
                let p = samples[idx - 1]
                if p.t <= ref - lookback || p.v.isStaleMarker { continue }
                points.append(Sample(t: ts, v: Double(p.t) / 1000))
            }
            if !points.isEmpty {
                try state.hold(points.count)
                out.append(EvalSeries(labels: s.labels, points: points, dropName: true))
            }
        }
        return out
    }

    /// A range vector selector, only valid at a single evaluation time: the samples in
    /// `(ref - range, ref]` of each series, stale markers left out.
    func evalMatrixSelector(_ ms: MatrixSelector) throws(PromQLError) -> [EvalSeries] {
        guard isInstant else {
            throw Evaluator.error("cannot do range evaluation of matrix selector")
        }
        let series = try selectSeries(ms.selector)
        let ref = (Evaluator.atTime(ms.selector.at) ?? start) - ms.selector.offset
        var out: [EvalSeries] = []
        for s in series {
            try state.checkAlive()
            let w = samplesInWindow(s.rangeSamples, from: ref - ms.range, to: ref)
            if w.isEmpty { continue }
            try state.hold(w.count)
            out.append(EvalSeries(labels: s.labels, points: Array(w), dropName: false))
        }
        return out
    }
}

/// Index of the first sample with `t > x`.
@inline(__always)
func firstIndexAfter(_ samples: [Sample], _ x: Int64) -> Int {
    var lo = 0, hi = samples.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if samples[mid].t <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// The samples with `from < t <= to`.
@inline(__always)
func samplesInWindow(_ samples: [Sample], from: Int64, to: Int64) -> ArraySlice<Sample> {
    let lo = firstIndexAfter(samples, from)
    let hi = firstIndexAfter(samples, to)
    return lo < hi ? samples[lo..<hi] : samples[0..<0]
}

/// Moving `(from, to]` windows over time-sorted samples for non-decreasing bounds: amortized O(1).
struct WindowCursor {
    private var lo = 0
    private var hi = 0
    private var lastFrom = Int64.min
    private var lastTo = Int64.min

    mutating func window(_ samples: [Sample], from: Int64, to: Int64) -> Range<Int> {
        if from < lastFrom || to < lastTo {
            lo = firstIndexAfter(samples, from)
            hi = firstIndexAfter(samples, to)
        } else {
            while lo < samples.count && samples[lo].t <= from { lo += 1 }
            if hi < lo { hi = lo }
            while hi < samples.count && samples[hi].t <= to { hi += 1 }
        }
        lastFrom = from
        lastTo = to
        return lo < hi ? lo..<hi : lo..<lo
    }
}
