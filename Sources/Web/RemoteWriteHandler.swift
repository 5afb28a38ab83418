import Hummingbird
import NIOCore
import Ingest
import Logging
import TSDB

/// `POST /api/v1/write`: Prometheus remote-write 1.0 (snappy-compressed protobuf `WriteRequest`).
///
/// Answers 204 when every sample is stored. When some series or samples are refused, the good
/// ones are still stored and the answer is 400 with a message naming each refused series and
/// why (Prometheus senders do not retry 4xx, which is right: the same data would fail again).
/// 5xx means nothing was stored and the sender should retry.
struct RemoteWriteHandler: Sendable {
    let db: DB
    let metadata: MetadataStore
    let limits: IngestLimits
    let logger: Logger

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        if let enc = request.headers[.contentEncoding], enc.lowercased() != "snappy" {
            throw APIError.badData("unsupported Content-Encoding \"\(enc)\": remote-write bodies must be snappy-compressed")
        }
        if let type = request.headers[.contentType], !type.hasPrefix("application/x-protobuf") {
            throw APIError(.badData, "unsupported Content-Type \"\(type)\": expected application/x-protobuf", status: .unsupportedMediaType)
        }
        let buffer = try await collectBody(request, limit: limits.maxBodyBytes)
        let decoded: DecodedWriteRequest
        do {
            decoded = try RemoteWriteDecoder.decodeSnappyBody(
                compressed: Array(buffer: buffer), maxDecompressed: limits.maxDecompressedBytes, limits: limits.remoteWrite)
        } catch {
            throw APIError.badData("cannot decode remote-write body: \(error)")
        }
        for m in decoded.metadata { metadata.record(m.metric, m.metadata) }
        let outcome = try store(decoded)
        if outcome.problems.isEmpty {
            return Response(status: .noContent)
        }
        let shown = outcome.problems.prefix(10).joined(separator: "; ")
        let more = outcome.problems.count > 10 ? " (and \(outcome.problems.count - 10) more)" : ""
        throw APIError.badData("stored \(outcome.stored) of \(outcome.total) samples; not stored: \(shown)\(more)")
    }

    struct Outcome {
        var stored = 0
        var total = 0
        var problems: [String] = []
    }

    /// Resolves series (through the alias cache, validating only new ones) and appends the samples.
    func store(_ req: DecodedWriteRequest) throws -> Outcome {
        var out = Outcome()
        out.total = req.samples.count
        var refIndex = [Int32](repeating: -1, count: req.series.count)
        var refs: [SeriesRef] = []
        refs.reserveCapacity(req.series.count)
        var missing: [Int] = []
        var missingLabels: [Labels] = []
        for (i, s) in req.series.enumerated() {
            if let ref = db.cachedRef(rawHash: s.labelsHash, matches: { req.rawLabelsEqual(s, $0) }) {
                refIndex[i] = Int32(refs.count)
                refs.append(ref)
                continue
            }
            switch SeriesValidator.validate(s, in: req, limits: limits.remoteWrite) {
            case .success(let labels):
                missing.append(i)
                missingLabels.append(labels)
            case .failure(let error):
                out.problems.append("\(error)")
            }
        }
        if !missing.isEmpty {
            let created = try mapStorageError { try db.seriesRefs(for: missingLabels) }
            for (k, i) in missing.enumerated() {
                let s = req.series[i]
                db.cacheRef(rawHash: s.labelsHash, key: req.rawLabelKey(of: s), ref: created[k])
                refIndex[i] = Int32(refs.count)
                refs.append(created[k])
            }
        }
        var owners: [Int32] = []
        var samples: [Sample] = []
        owners.reserveCapacity(req.samples.count)
        samples.reserveCapacity(req.samples.count)
        for (i, s) in req.series.enumerated() where refIndex[i] >= 0 {
            let lo = Int(s.sampleStart), hi = lo + Int(s.sampleCount)
            for j in lo..<hi {
                owners.append(refIndex[i])
                samples.append(req.samples[j])
            }
        }
        let rejected = try mapStorageError { try db.append(refs: refs, owners: owners, samples: samples) }
        out.stored = samples.count - rejected.count
        for r in rejected.prefix(10) {
            out.problems.append("sample of \(refs[Int(owners[r.index])].labels): \(r.reason)")
        }
        if rejected.count > 10 { out.problems.append("\(rejected.count - 10) more samples out of bounds") }
        if req.histogramCount > 0 {
            out.problems.append("\(req.histogramCount) native histogram samples (not supported yet)")
        }
        return out
    }
}

/// Storage failures that are not the client's fault: 503 when closing, 500 otherwise (retry).
func mapStorageError<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as TSDBError where e.code == .closed {
        throw APIError(.unavailable, "the server is shutting down")
    } catch let e as TSDBError {
        throw APIError(.internalError, "storage error: \(e)")
    }
}

/// Reads a whole request body, refusing (413) past `limit` bytes.
func collectBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch let e as HTTPError where e.status == .contentTooLarge {
        throw APIError(.tooLarge, "request body is larger than the limit of \(limit) bytes")
    } catch is NIOTooManyBytesError {
        // What collecting a streamed body throws past the limit.
        throw APIError(.tooLarge, "request body is larger than the limit of \(limit) bytes")
    }
}
