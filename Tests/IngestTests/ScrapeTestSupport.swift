import Foundation
@testable import Ingest
import Synchronization
import TSDB

/// Serves scrape bodies from memory: each URL answers its queued results in order, repeating
/// the last one.
final class FakeFetcher: ScrapeFetcher {
    private let answers = Mutex<[String: [Result<ScrapeResponse, IngestError>]]>([:])
    let requests = Mutex<[ScrapeRequest]>([])

    func serve(_ url: String, _ results: Result<ScrapeResponse, IngestError>...) {
        answers.withLock { $0[url, default: []].append(contentsOf: results) }
    }

    func serve(_ url: String, text: String, contentType: String = "text/plain; version=0.0.4") {
        serve(url, .success(ScrapeResponse(body: Array(text.utf8), contentType: contentType)))
    }

    func fetch(_ request: ScrapeRequest) async throws(IngestError) -> ScrapeResponse {
        requests.withLock { $0.append(request) }
        let result = answers.withLock { a -> Result<ScrapeResponse, IngestError>? in
            guard var list = a[request.url], let first = list.first else { return nil }
            if list.count > 1 { list.removeFirst() }
            a[request.url] = list
            return first
        }
        guard let result else { throw IngestError(.scrapeFailed, "no answer for \(request.url)") }
        return try result.get()
    }

    func shutdown() async {}
}

/// A database in a fresh temporary directory.
struct TestDB {
    let dir = NSTemporaryDirectory() + "sextant-scrape-\(UUID().uuidString)"
    let db: DB

    init() throws { db = try DB(directory: dir) }

    func cleanup() {
        try? db.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Every series whose metric name is `name`, with all its samples.
    func series(_ name: String) throws -> [Labels: [Sample]] {
        let q = db.querier(mint: Int64.min, maxt: Int64.max)
        var out: [Labels: [Sample]] = [:]
        for s in try q.select([Matcher.equal(Labels.metricName, name)]) { out[s.labels] = s.samples }
        return out
    }

    /// The values of the one series named `name` with these extra labels.
    func values(_ name: String, _ labels: [String: String] = [:]) throws -> [Double] {
        var all = labels
        all[Labels.metricName] = name
        return try series(name)[Labels(all)]?.map(\.v) ?? []
    }
}

func makeLoop(_ config: ScrapeConfig, address: String = "t:1", groupLabels: [String: String] = [:],
              db: DB, fetcher: FakeFetcher, metadata: MetadataStore = MetadataStore()) throws -> ScrapeLoop {
    guard case .active(let target) = ScrapeTarget.make(address: address, groupLabels: groupLabels, config: config) else {
        throw IngestError(.invalidConfig, "target not active")
    }
    return ScrapeLoop(target: target, config: config, db: db, fetcher: fetcher, metadataStore: metadata,
                      logger: .init(label: "test"))
}

extension Array where Element == Double {
    /// Staleness markers shown as "stale", so expectations read plainly.
    var shown: [String] { map { $0.isStaleMarker ? "stale" : String($0) } }
}
