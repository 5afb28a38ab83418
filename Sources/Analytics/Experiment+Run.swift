import EventStore
import Foundation
import Statistics

extension Experiment {
    public static func run(_ request: Request, on reader: any EventReader) throws(AnalyticsError) -> Result {
        try request.validate()
        let scan = EventScan(reader, from: request.from, to: request.to)
        let exposure = scan.id(request.exposureEvent), experimentKey = scan.id(request.experimentProperty)
        let variantKey = scan.id(request.variantProperty), experiment = scan.terms.id(of: .string(request.experiment))
        let conversions = FilterSet(request.conversionFilters, action: request.conversionEvent, scan)

        // Per variant slot and user: the first exposure (ms, .max for none). Per user: the last
        // conversion (.min for none). The scan is in time order, so first and last are by time.
        var slots = TermSlots()
        var firstExposure: [StateArray<Int64>] = []
        let lastConversion = StateArray<Int64>(repeating: .min, count: scan.userCapacity)
        var tooMany = false
        for part in scan.parts {
            let users = part.block.users(), ts = part.block.timestamps()
            if let exposure, let experimentKey, let experiment, let experiments = part.block.property(experimentKey) {
                let actions = part.block.terms(.action), variants = variantKey.flatMap { part.block.property($0) }
                for i in part.rows where actions[i] == exposure && experiments[i] == experiment && users[i] != 0 {
                    let v = variants?[i] ?? 0
                    if slots.existing(v) == nil && slots.count == maxVariants {
                        tooMany = true
                        continue
                    }
                    let s = slots.slot(v)
                    if s == firstExposure.count { firstExposure.append(StateArray(repeating: .max, count: scan.userCapacity)) }
                    let u = Int(users[i])
                    if firstExposure[s][u] == .max { firstExposure[s][u] = ts[i] }
                }
            }
            if let rows = conversions.rows(part) {
                for i in rows where users[i] != 0 { lastConversion[Int(users[i])] = ts[i] }
            }
        }
        guard !tooMany else {
            throw AnalyticsError(.tooLarge, "experiment \(request.experiment) has more than \(maxVariants) variants in \(request.variantProperty)")
        }

        var exposed = [Int](repeating: 0, count: slots.count), converted = exposed
        var several = 0
        for u in 1..<scan.userCapacity {
            var variantsSeen = 0
            for s in 0..<slots.count where firstExposure[s][u] != .max {
                variantsSeen += 1
                exposed[s] += 1
                let last = lastConversion[u]
                if last != .min && (!request.conversionAfterExposure || last >= firstExposure[s][u]) { converted[s] += 1 }
            }
            if variantsSeen > 1 { several += 1 }
        }

        let names = slots.terms.map { ScalarValue(term: $0, scan.terms) }
        let order = names.indices.sorted { names[$0].description < names[$1].description }
        let controlSlot = order.first { names[$0] == .string(request.control) } ?? order.first
        let successes = order.map { converted[$0] }, trials = order.map { exposed[$0] }
        let posteriors = bayesianProportions(successes: successes, trials: trials, priorAlpha: request.priorAlpha,
                                             priorBeta: request.priorBeta, credibleMass: request.credibleMass)
        var variants: [Variant] = []
        for (k, s) in order.enumerated() {
            let rate = exposed[s] == 0 ? 0 : Double(converted[s]) / Double(exposed[s])
            var v = Variant(variant: names[s], exposed: exposed[s], converted: converted[s], conversionRate: rate)
            if k < posteriors.count {
                v.posteriorMean = posteriors[k].posteriorMean
                v.credibleInterval = [posteriors[k].credibleLower, posteriors[k].credibleUpper]
                v.chanceToBeBest = posteriors[k].chanceToBeBest
            }
            if let c = controlSlot, c != s {
                if let test = twoProportionZTest(successesA: converted[c], trialsA: exposed[c], successesB: converted[s], trialsB: exposed[s]) {
                    v.z = test.z
                    v.pValue = test.pValue
                }
                let base = exposed[c] == 0 ? 0 : Double(converted[c]) / Double(exposed[c])
                v.lift = base == 0 ? nil : (rate - base) / base
            }
            variants.append(v)
        }
        let control = controlSlot.map { names[$0] }
        let ratio = sampleRatio(request, variants)
        let (verdict, reason) = decide(request, variants, control, ratio)
        return Result(experiment: request.experiment, variants: variants, control: control, usersInSeveralVariants: several,
                      sampleRatio: ratio, verdict: verdict, reason: reason)
    }

    /// Chi-square goodness of fit of the exposed counts to the expected split: over the variants
    /// seen and those of `expected_split`; a variant seen but missing from the split is expected
    /// to have no users, so any user in it is a mismatch (p = 0).
    static func sampleRatio(_ request: Request, _ variants: [Variant]) -> SampleRatio? {
        var observed = variants.map { ($0.variant.description, Double($0.exposed)) }
        if let split = request.expectedSplit {
            for name in split.keys.sorted() where !observed.contains(where: { $0.0 == name }) { observed.append((name, 0)) }
        }
        let total = observed.reduce(0) { $0 + $1.1 }
        guard observed.count >= 2, total > 0,
              let distribution = try? ChiSquaredDistribution(degreesOfFreedom: Double(observed.count - 1)) else { return nil }
        let weights = observed.map { name, _ in request.expectedSplit.map { $0[name] ?? 0 } ?? 1 }
        let weightSum = weights.reduce(0, +)
        var chiSquare: Double? = 0
        for ((_, count), weight) in zip(observed, weights) {
            let expected = total * weight / weightSum
            if expected == 0 {
                if count > 0 { chiSquare = nil }
            } else {
                chiSquare? += (count - expected) * (count - expected) / expected
            }
        }
        let p = chiSquare.map(distribution.sf) ?? 0
        return SampleRatio(chiSquare: chiSquare, degreesOfFreedom: observed.count - 1, pValue: p, mismatch: p < request.srmAlpha)
    }

    /// The verdict and its reason, in the order of the checks documented on `Verdict`.
    static func decide(_ request: Request, _ variants: [Variant], _ control: ScalarValue?, _ ratio: SampleRatio?) -> (Verdict, String) {
        guard variants.count >= 2, let control else {
            return (.notEnoughData, "a comparison needs at least two variants; \(variants.count) seen")
        }
        for v in variants {
            if v.exposed < request.minExposures {
                return (.notEnoughData, "variant \(v.variant) has \(v.exposed) exposed users; a verdict needs at least \(request.minExposures) per variant")
            }
            if v.converted < minOutcomes || v.exposed - v.converted < minOutcomes {
                return (.notEnoughData, "variant \(v.variant) has \(v.converted) conversions of \(v.exposed); a verdict needs at least \(minOutcomes) conversions and \(minOutcomes) non-conversions per variant")
            }
        }
        if let ratio, ratio.mismatch {
            return (.sampleRatioMismatch, "the exposed users split as \(variants.map { "\($0.variant) \($0.exposed)" }.joined(separator: ", ")), not as expected (chi-square \(ratio.chiSquare.map { String(format: "%.2f", $0) } ?? "undefined"), p = \(String(format: "%.3g", ratio.pValue))): check how users are assigned before reading the results")
        }
        let differing = variants.filter { $0.variant != control && ($0.pValue ?? 1) < request.alpha }
        guard let best = differing.max(by: { ($0.pValue ?? 1) > ($1.pValue ?? 1) }) else {
            return (.notSignificant, "no variant differs from \(control) at alpha \(request.alpha)")
        }
        let lift = best.lift.map { String(format: "%+.2f%%", $0 * 100) } ?? "n/a"
        return (.significant, "variant \(best.variant) converts at \(String(format: "%.2f%%", best.conversionRate * 100)), lift \(lift) against \(control), p = \(String(format: "%.3g", best.pValue ?? 1))")
    }
}
