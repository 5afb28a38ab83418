// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sextant",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sextant", targets: ["sextant"]),
        .executable(name: "sextant-bench", targets: ["SextantBench"]),
        .library(name: "SextantClient", targets: ["SextantClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.0"),
    ],
    targets: [
        .target(name: "Statistics", dependencies: [
            .product(name: "RealModule", package: "swift-numerics"),
        ]),
        // UTC calendar arithmetic and RFC 3339 text, shared by every module that names days.
        .target(name: "UTCTime"),
        .target(name: "DiskIO", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TSDB", dependencies: [
            "DiskIO",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "EventStore", dependencies: [
            "DiskIO", "UTCTime",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Ingest", dependencies: [
            "TSDB", "EventStore", "UTCTime",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Analytics", dependencies: ["EventStore", "Statistics", "UTCTime"]),
        // Test and benchmark helper: reads gen_events.py's workload (not shipped).
        .target(name: "EventFixtures", dependencies: ["EventStore"]),
        // Relational state (saved cohorts; later dashboards, rules, silences, tokens) in SQLite.
        .target(name: "AppState", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "PromQL", dependencies: ["TSDB", "Statistics", "UTCTime"]),
        .target(name: "Insights", dependencies: ["PromQL", "TSDB", "Statistics", "UTCTime"]),
        .target(name: "PromQLTest", dependencies: [
            "PromQL", "TSDB",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Web", dependencies: [
            "TSDB", "Ingest", "PromQL", "EventStore", "UTCTime", "Insights", "Analytics", "AppState",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "sextant", dependencies: [
            "Web", "PromQL", "PromQLTest", "Insights",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Test helper: the child process EventStoreTests kill -9s (not shipped).
        .executableTarget(name: "EventStoreCrashChild", dependencies: ["EventStore"]),
        .executableTarget(name: "SextantBench", dependencies: [
            "TSDB", "PromQL", "EventStore", "Statistics", "Ingest", "Analytics", "EventFixtures", "UTCTime", "Insights",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The library apps link to report to Sextant; of the server's modules it uses only UTCTime.
        .target(name: "SextantClient", dependencies: [
            "UTCTime",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ]),
        .executableTarget(name: "sextant-example", dependencies: [
            "SextantClient",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], path: "Examples/DemoApp"),
        .executableTarget(name: "sextant-client-bench", dependencies: [
            "SextantClient",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], path: "Examples/ClientBench"),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], exclude: ["Fixtures"]),
        .testTarget(name: "TSDBTests", dependencies: ["TSDB", "DiskIO"]),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore"]),
        .testTarget(name: "AnalyticsTests", dependencies: ["Analytics", "EventStore", "EventFixtures", "Statistics", "UTCTime"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "TSDB", "EventStore"], resources: [.copy("Host/Fixtures")]),
        .testTarget(name: "UTCTimeTests", dependencies: ["UTCTime"]),
        .testTarget(name: "PromQLTests", dependencies: ["PromQL", "PromQLTest", "Statistics", "TSDB", "UTCTime"]),
        .testTarget(name: "InsightsTests", dependencies: ["Insights", "PromQL", "TSDB", "Statistics"]),
        .testTarget(name: "SextantClientTests", dependencies: [
            "SextantClient",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ]),
        .testTarget(name: "AppStateTests", dependencies: ["AppState"]),
        .testTarget(name: "WebTests", dependencies: [
            "Web", "Ingest", "PromQL", "TSDB", "EventStore", "Insights", "Analytics", "AppState",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ]),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    target.swiftSettings = settings
}
