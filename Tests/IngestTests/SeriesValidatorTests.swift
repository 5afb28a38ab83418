import Testing
@testable import Ingest
import TSDB

private func labels(_ pairs: [(String, String)]) -> [Label] { pairs.map { Label($0.0, $0.1) } }

private func failure(_ pairs: [(String, String)], limits: RemoteWriteLimits = RemoteWriteLimits()) -> String? {
    switch SeriesValidator.validate(labels(pairs), limits: limits) {
    case .success: return nil
    case .failure(let error):
        #expect(error.code == .invalidSeries)
        return error.message
    }
}

@Suite struct SeriesValidatorTests {
    @Test func acceptsAndSortsValidSeries() throws {
        let result = try SeriesValidator.validate(labels([("job", "node"), ("__name__", "up"), ("instance", "a")])).get()
        #expect(result == Labels([Label("__name__", "up"), Label("instance", "a"), Label("job", "node")]))
        #expect(result.description == #"up{instance="a", job="node"}"#)
    }

    @Test func dropsEmptyValues() throws {
        let result = try SeriesValidator.validate(labels([("__name__", "up"), ("env", ""), ("job", "a")])).get()
        #expect(result.pairs == [Label("__name__", "up"), Label("job", "a")])
    }

    @Test func acceptsUTF8AndReservedNames() throws {
        // Prometheus 3 accepts any non-empty UTF-8 name, and does not reject "__" prefixes.
        let result = try SeriesValidator.validate(labels([("__name__", "http.server.duration"), ("service.name", "checkout"),
                                                          ("__tenant__", "t1"), ("ville", "Zürich ☃")])).get()
        #expect(result.count == 4)
    }

    @Test func rejectsDuplicateNames() {
        #expect(failure([("__name__", "up"), ("job", "a"), ("job", "b")])
                == #"duplicate label name "job" in series up{job="a", job="b"}"#)
        // An empty value still counts: duplicates are checked before empties are dropped.
        #expect(failure([("job", ""), ("__name__", "up"), ("job", "b")])?.hasPrefix(#"duplicate label name "job""#) == true)
        #expect(failure([("__name__", "up"), ("__name__", "down")])
                == #"duplicate label name "__name__" in series {__name__="up", __name__="down"}"#)
    }

    @Test func requiresMetricName() {
        #expect(failure([("job", "a")]) == #"missing metric name (label __name__) in series {job="a"}"#)
        #expect(failure([("__name__", ""), ("job", "a")]) == #"empty metric name (label __name__) in series {__name__="", job="a"}"#)
        #expect(failure([]) == "missing metric name (label __name__) in series {}")
    }

    @Test func rejectsEmptyLabelName() {
        #expect(failure([("__name__", "up"), ("", "x")]) == #"empty label name in series up{""="x"}"#)
    }

    @Test func enforcesLimits() {
        let limits = RemoteWriteLimits(maxLabelsPerSeries: 3, maxLabelNameBytes: 8, maxLabelValueBytes: 6)
        #expect(failure([("__name__", "up"), ("a", "1"), ("b", "2"), ("c", "3")], limits: limits)
                == #"4 labels, more than the limit of 3 in series up{a="1", b="2", c="3"}"#)
        // Empty values are dropped before counting.
        #expect(failure([("__name__", "up"), ("a", "1"), ("b", "2"), ("c", "")], limits: limits) == nil)
        #expect(failure([("__name__", "up"), ("abcdefghi", "1")], limits: limits)
                == #"label name "abcdefghi" is 9 bytes, longer than the limit of 8 in series up{abcdefghi="1"}"#)
        #expect(failure([("__name__", "up"), ("a", "ééé_")], limits: limits)
                == #"value of label "a" is 7 bytes, longer than the limit of 6 in series up{a="ééé_"}"#)
        // The metric name is held to the value limit too.
        #expect(failure([("__name__", "toolong")], limits: limits)?.hasPrefix("value of label \"__name__\" is 7 bytes") == true)
    }

    @Test func describesSeriesLikePrometheus() {
        #expect(SeriesValidator.describe(labels([("b", "x\"y\\z\n"), ("__name__", "m"), ("a", "1")]))
                == #"m{a="1", b="x\"y\\z\n"}"#)
        // Names that are not classic identifiers are quoted, the metric name inside the braces.
        #expect(SeriesValidator.describe(labels([("__name__", "http.requests"), ("service.name", "a")]))
                == #"{"http.requests", "service.name"="a"}"#)
        #expect(SeriesValidator.describe(labels([("__name__", "a:b_c")])) == "a:b_c{}")
        let long = SeriesValidator.describe(labels([("__name__", "m"), ("v", String(repeating: "x", count: 5000))]))
        #expect(long.count == SeriesValidator.maxDescriptionLength + 1 && long.hasSuffix("…"))
    }

    @Test func validatesRawBytesForUTF8() throws {
        // Label value bytes C3 28 are not UTF-8; a name with a lone continuation byte neither.
        var badValue = ProtoWriter()
        badValue.lengthDelimited(1, ProtoWriter.label("__name__", "up"))
        var label = ProtoWriter()
        label.string(1, "job")
        label.lengthDelimited(2, [0xc3, 0x28])
        badValue.lengthDelimited(1, label.bytes)
        var badName = ProtoWriter()
        badName.lengthDelimited(1, ProtoWriter.label("__name__", "up"))
        var label2 = ProtoWriter()
        label2.lengthDelimited(1, [0x61, 0x80])
        label2.string(2, "x")
        badName.lengthDelimited(1, label2.bytes)
        let good = ProtoWriter.series([("__name__", "up"), ("job", "é")], [(1, 1)])
        let r = try RemoteWriteDecoder.decode(body: ProtoWriter.request([badValue.bytes, badName.bytes, good]))

        guard case .failure(let e1) = SeriesValidator.validate(r.series[0], in: r) else {
            Issue.record("invalid value accepted")
            return
        }
        #expect(e1.code == .invalidSeries)
        #expect(e1.message == "value of label \"job\" is not valid UTF-8 in series up{job=\"\u{FFFD}(\"}")
        guard case .failure(let e2) = SeriesValidator.validate(r.series[1], in: r) else {
            Issue.record("invalid name accepted")
            return
        }
        #expect(e2.message.hasPrefix("label name \"a\u{FFFD}\" is not valid UTF-8"))
        #expect(try SeriesValidator.validate(r.series[2], in: r).get() == Labels([Label("__name__", "up"), Label("job", "é")]))
    }

    @Test func rawAndStringPathsAgreeProperty() throws {
        var rng = RemoteWriteTestRandom(seed: 21)
        let names = ["__name__", "job", "a", "", "instance", "x.y"]
        let values = ["up", "", "1", "é", "node"]
        for _ in 0..<500 {
            let n = Int(rng.next() % 5)
            let pairs = (0..<n).map { _ in
                (names[Int(rng.next() % UInt64(names.count))], values[Int(rng.next() % UInt64(values.count))])
            }
            let r = try RemoteWriteDecoder.decode(body: ProtoWriter.request([ProtoWriter.series(pairs, [])]))
            let raw = SeriesValidator.validate(r.series[0], in: r)
            let strings = SeriesValidator.validate(labels(pairs))
            switch (raw, strings) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a.message == b.message)
            default: Issue.record("paths disagree for \(pairs)")
            }
        }
    }
}
