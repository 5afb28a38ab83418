import ArgumentParser
import Foundation
import Insights

/// Insights on labelled synthetic data: `bench/insights_accuracy.py` writes the cases, runs
/// statsmodels on the capacity series, calls this for Sextant's answers and scores both.
/// Labels never reach this side: it sees only the values.
struct InsightsAccuracyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights-accuracy",
        abstract: "Run Insights' comparison, anomaly scoring and forecasting on the cases in a JSON file.")

    @Option(help: "Cases written by bench/insights_accuracy.py.") var input: String
    @Option(help: "Where to write the answers (JSON).") var output: String
    @Option(help: "Verdict rule alpha (default: the rule's).") var alpha: Double?
    @Option(name: .customLong("min-effect"), help: "Verdict rule minimum |Cohen's d|.") var minEffect: Double?
    @Option(name: .customLong("min-change-percent"), help: "Verdict rule minimum |change| in percent.") var minChangePercent: Double?

    struct Cases: Decodable {
        var regression: [RegressionCase]?
        var anomaly: [AnomalyCase]?
        var capacity: [CapacityCase]?
    }

    struct RegressionCase: Decodable {
        var id: String
        var baseline: [Double]
        var current: [Double]
    }

    struct AnomalyCase: Decodable {
        var id: String
        var method: String
        var times: [Int64]
        var values: [Double]
        var historyTimes: [Int64]?
        var historyValues: [Double]?
    }

    struct CapacityCase: Decodable {
        var id: String
        var values: [Double]
        var horizon: Int
        /// Milliseconds between values: the daily season is offered as the capacity endpoint does.
        var step: Int64
    }

    struct Answers: Encodable {
        var regression: [RegressionAnswer] = []
        var anomaly: [AnomalyAnswer] = []
        var capacity: [CapacityAnswer] = []
        var seconds: [String: Double] = [:]
    }

    struct RegressionAnswer: Encodable {
        var id: String
        var verdict: String
        var p: Double
        var d: Double?
        /// Index into baseline + current where the largest mean shift starts; nil if none.
        var changePoint: Int?
    }

    struct AnomalyAnswer: Encodable {
        var id: String
        var method: String
        var threshold: Double
        var scores: [Double?]
        var flagged: [Int]
    }

    struct CapacityAnswer: Encodable {
        var id: String
        var method: String
        var backtestMAPE: Double?
        /// Every candidate's back-tested MAPE, by method.
        var backtests: [String: Double]
        var seasonLength: Int?
        var forecast: [Double]
        var lower: [Double]
        var upper: [Double]
        var seconds: Double
    }

    func run() throws {
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: URL(fileURLWithPath: input)))
        var rule = VerdictRule()
        if let alpha { rule.alpha = alpha }
        if let minEffect { rule.minEffect = minEffect }
        if let minChangePercent { rule.minChangePercent = minChangePercent }
        var answers = Answers()
        var clock = ContinuousClock.now
        func lap(_ name: String) {
            let d = ContinuousClock.now - clock
            answers.seconds[name] = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            clock = ContinuousClock.now
        }
        for c in cases.regression ?? [] {
            let comparison = try Comparison(baseline: c.baseline, current: c.current, rule: rule)
            let shift = ChangePointSearch.largestShift(c.baseline + c.current)
            answers.regression.append(RegressionAnswer(id: c.id, verdict: comparison.verdict.rawValue, p: comparison.mannWhitney.pValue,
                                                       d: comparison.cohensD, changePoint: shift?.index))
        }
        lap("regression")
        for c in cases.anomaly ?? [] {
            guard let method = AnomalyMethod(rawValue: c.method) else { throw ValidationError("unknown method \(c.method)") }
            var history: (times: [Int64], values: [Double])? = nil
            if let t = c.historyTimes, let v = c.historyValues { history = (t, v) }
            let result = try AnomalyScoring.score(c.values, times: c.times, history: history, method: method)
            let threshold = method.defaultThreshold
            let flagged = result.points.enumerated().compactMap { i, p in p.flatMap { abs($0.score) >= threshold ? i : nil } }
            answers.anomaly.append(AnomalyAnswer(id: c.id, method: c.method, threshold: threshold, scores: result.points.map { $0?.score },
                                                 flagged: flagged))
        }
        lap("anomaly")
        for c in cases.capacity ?? [] {
            let start = ContinuousClock.now
            let options = ForecastOptions(horizon: c.horizon, fallbackSeasonLength: CapacityPlanning.dailySeason(step: c.step))
            let f = try Forecaster.forecast(c.values, options: options)
            let d = ContinuousClock.now - start
            answers.capacity.append(CapacityAnswer(id: c.id, method: f.method.rawValue, backtestMAPE: f.backtest?.mape,
                                                   backtests: Dictionary(f.backtests.compactMap { b in b.mape.map { (b.method.rawValue, $0) } },
                                                                         uniquingKeysWith: { a, _ in a }),
                                                   seasonLength: f.seasonLength,
                                                   forecast: f.points.map(\.value), lower: f.points.map(\.lower), upper: f.points.map(\.upper),
                                                   seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18))
        }
        lap("capacity")
        let data = try JSONEncoder().encode(answers)
        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
    }
}
