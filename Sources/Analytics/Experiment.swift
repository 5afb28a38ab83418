import EventStore
import Statistics

/// An A/B experiment read from exposure events: per variant, exposed and converted users, a
/// pooled two-proportion z-test against the control, Bayesian posteriors with chance to be
/// best, a sample-ratio-mismatch check and a verdict, or "not enough data".
///
/// Exposed: users with an exposure event (`$experiment_exposure` by default) whose experiment
/// property is the experiment; their variant is its variant property. A user exposed to several
/// variants counts in each (`users_in_several_variants` says how many). Converted: exposed users
/// with a conversion event, at any time by default (as the DuckDB reference counts), or only at
/// or after their first exposure to that variant with `conversion_after_exposure`.
public enum Experiment {
    public struct Request: Codable, Sendable, Equatable {
        public var experiment: String
        public var conversionEvent: String
        /// Conditions the conversion event must also meet.
        public var conversionFilters: [EventFilter]
        public var conversionAfterExposure: Bool
        public var exposureEvent: String
        public var experimentProperty: String
        public var variantProperty: String
        /// The variant the others are tested against (default `control`; when no variant has
        /// that name, the first variant by name).
        public var control: String
        /// Expected share of each variant for the sample-ratio check (weights, any scale);
        /// nil: an equal split over the variants seen.
        public var expectedSplit: [String: Double]?
        /// Fewest exposed users per variant for a verdict (default 100).
        public var minExposures: Int
        /// Two-sided significance level of the z-test (default 0.05).
        public var alpha: Double
        /// Sample-ratio mismatch when the chi-square p-value is below this (default 0.001).
        public var srmAlpha: Double
        public var credibleMass: Double
        public var priorAlpha: Double
        public var priorBeta: Double
        public var from: Int64?
        public var to: Int64?

        public init(experiment: String, conversionEvent: String, conversionFilters: [EventFilter] = [],
                    conversionAfterExposure: Bool = false, exposureEvent: String = "$experiment_exposure",
                    experimentProperty: String = "experiment", variantProperty: String = "variant", control: String = "control",
                    expectedSplit: [String: Double]? = nil, minExposures: Int = 100, alpha: Double = 0.05, srmAlpha: Double = 0.001,
                    credibleMass: Double = 0.95, priorAlpha: Double = 1, priorBeta: Double = 1, from: Int64? = nil, to: Int64? = nil) {
            self.experiment = experiment
            self.conversionEvent = conversionEvent
            self.conversionFilters = conversionFilters
            self.conversionAfterExposure = conversionAfterExposure
            self.exposureEvent = exposureEvent
            self.experimentProperty = experimentProperty
            self.variantProperty = variantProperty
            self.control = control
            self.expectedSplit = expectedSplit
            self.minExposures = minExposures
            self.alpha = alpha
            self.srmAlpha = srmAlpha
            self.credibleMass = credibleMass
            self.priorAlpha = priorAlpha
            self.priorBeta = priorBeta
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey {
            case experiment, control, alpha, from, to
            case conversionEvent = "conversion_event", conversionFilters = "conversion_filters"
            case conversionAfterExposure = "conversion_after_exposure", exposureEvent = "exposure_event"
            case experimentProperty = "experiment_property", variantProperty = "variant_property"
            case expectedSplit = "expected_split", minExposures = "min_exposures", srmAlpha = "srm_alpha"
            case credibleMass = "credible_mass", priorAlpha = "prior_alpha", priorBeta = "prior_beta"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let experiment = try c.decode(String.self, forKey: .experiment)
            let conversion = try c.decode(String.self, forKey: .conversionEvent)
            let d = Request(experiment: experiment, conversionEvent: conversion)
            self.init(experiment: experiment, conversionEvent: conversion,
                      conversionFilters: try c.decode(.conversionFilters, or: []),
                      conversionAfterExposure: try c.decode(.conversionAfterExposure, or: false),
                      exposureEvent: try c.decode(.exposureEvent, or: d.exposureEvent),
                      experimentProperty: try c.decode(.experimentProperty, or: d.experimentProperty),
                      variantProperty: try c.decode(.variantProperty, or: d.variantProperty), control: try c.decode(.control, or: d.control),
                      expectedSplit: try c.decodeIfPresent([String: Double].self, forKey: .expectedSplit),
                      minExposures: try c.decode(.minExposures, or: d.minExposures), alpha: try c.decode(.alpha, or: d.alpha),
                      srmAlpha: try c.decode(.srmAlpha, or: d.srmAlpha), credibleMass: try c.decode(.credibleMass, or: d.credibleMass),
                      priorAlpha: try c.decode(.priorAlpha, or: d.priorAlpha), priorBeta: try c.decode(.priorBeta, or: d.priorBeta),
                      from: try c.decodeIfPresent(Int64.self, forKey: .from), to: try c.decodeIfPresent(Int64.self, forKey: .to))
        }

        func validate() throws(AnalyticsError) {
            for (name, field) in [(experiment, "experiment"), (conversionEvent, "conversion_event"), (exposureEvent, "exposure_event"),
                                  (experimentProperty, "experiment_property"), (variantProperty, "variant_property"), (control, "control")] {
                try validateName(name, field)
            }
            try conversionFilters.validate("conversion_filters")
            try Analytics.validate(minExposures, 1...1_000_000_000, "min_exposures")
            for (value, field) in [(alpha, "alpha"), (srmAlpha, "srm_alpha"), (credibleMass, "credible_mass")] where !(value > 0 && value < 1) {
                throw .invalid("\(field): \(value) must lie strictly between 0 and 1")
            }
            for (value, field) in [(priorAlpha, "prior_alpha"), (priorBeta, "prior_beta")] where !(value > 0 && value.isFinite) {
                throw .invalid("\(field): \(value) must be a positive number")
            }
            if let split = expectedSplit {
                guard !split.isEmpty, split.count <= Experiment.maxVariants else { throw .invalid("expected_split: give 1 to \(Experiment.maxVariants) variants") }
                for (variant, weight) in split where !(weight > 0 && weight.isFinite) {
                    throw .invalid("expected_split.\(variant): \(weight) must be a positive number")
                }
            }
            try validateRange(from, to)
        }
    }

    public struct Variant: Codable, Sendable, Equatable {
        public var variant: ScalarValue
        public var exposed: Int
        public var converted: Int
        public var conversionRate: Double
        /// Beta posterior of the rate (prior Beta(prior_alpha, prior_beta)).
        public var posteriorMean: Double?
        public var credibleInterval: [Double]?
        public var chanceToBeBest: Double?
        /// Against the control (nil for the control itself, or when the test is undefined).
        public var z: Double?
        public var pValue: Double?
        /// Relative change of the rate from the control's.
        public var lift: Double?

        enum CodingKeys: String, CodingKey {
            case variant, exposed, converted, z, lift
            case conversionRate = "conversion_rate", posteriorMean = "posterior_mean", credibleInterval = "credible_interval"
            case chanceToBeBest = "chance_to_be_best", pValue = "p_value"
        }
    }

    public enum Verdict: String, RequestEnum {
        /// A variant is below `min_exposures`, or has fewer than 5 conversions or 5 non-conversions
        /// (the normal approximation behind the z-test needs both).
        case notEnoughData = "not_enough_data"
        /// The split differs from the expected one: exposure is broken, no conclusion holds.
        case sampleRatioMismatch = "sample_ratio_mismatch"
        /// Some variant differs from the control at `alpha` (see each variant's p-value and lift).
        case significant
        case notSignificant = "not_significant"
    }

    public struct SampleRatio: Codable, Sendable, Equatable {
        /// Chi-square goodness-of-fit statistic of the exposed counts against the expected split;
        /// nil when users are in a variant the split gives no share (then p is 0).
        public var chiSquare: Double?
        public var degreesOfFreedom: Int
        public var pValue: Double
        public var mismatch: Bool

        public init(chiSquare: Double?, degreesOfFreedom: Int, pValue: Double, mismatch: Bool) {
            self.chiSquare = chiSquare
            self.degreesOfFreedom = degreesOfFreedom
            self.pValue = pValue
            self.mismatch = mismatch
        }

        enum CodingKeys: String, CodingKey {
            case mismatch
            case chiSquare = "chi_square", degreesOfFreedom = "degrees_of_freedom", pValue = "p_value"
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var experiment: String
        /// By variant name.
        public var variants: [Variant]
        public var control: ScalarValue?
        public var usersInSeveralVariants: Int
        /// Chi-square goodness of fit of the exposed counts to `expected_split`; nil with fewer
        /// than two variants.
        public var sampleRatio: SampleRatio?
        public var verdict: Verdict
        /// Why, in words.
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case experiment, variants, control, verdict, reason
            case usersInSeveralVariants = "users_in_several_variants", sampleRatio = "sample_ratio"
        }
    }

    static let maxVariants = 20
    /// Conversions and non-conversions each variant needs for the normal approximation.
    static let minOutcomes = 5
}
