@testable import Ingest
import Testing
import TSDB

/// Series descriptions (`name{a="b"}`) and samples a body becomes, with the refused lines.
private func convert(_ body: String, precision: InfluxPrecision = .nanoseconds, db: String? = nil,
                     maxLineBytes: Int = InfluxLineParser.defaultMaxLineBytes) throws -> (series: [String: Sample], lines: InfluxLines, conversion: InfluxConversion) {
    let lines = try InfluxLineParser.parse(Array(body.utf8), maxLineBytes: maxLineBytes)
    let c = InfluxSeries.convert(lines, precision: precision, database: db, now: 42)
    var series: [String: Sample] = [:]
    for e in c.batch.entries { series[Labels(e.labels).description] = e.samples[0] }
    return (series, lines, c)
}

@Suite struct InfluxLineParserTests {
    @Test func everyFieldType() throws {
        let r = try convert(#"weather,city=Paris temp=21.5,count=3i,big=18446744073709551615u,ok=t,bad=FALSE,neg=-1e3,half=.5,note="hi there" 1700000000000000000"#)
        let t: Int64 = 1_700_000_000_000
        #expect(r.series[#"weather_temp{city="Paris"}"#] == Sample(t: t, v: 21.5))
        #expect(r.series[#"weather_count{city="Paris"}"#] == Sample(t: t, v: 3))
        #expect(r.series[#"weather_big{city="Paris"}"#]?.v == 18446744073709551615.0)
        #expect(r.series[#"weather_ok{city="Paris"}"#]?.v == 1)
        #expect(r.series[#"weather_bad{city="Paris"}"#]?.v == 0)
        #expect(r.series[#"weather_neg{city="Paris"}"#]?.v == -1000)
        #expect(r.series[#"weather_half{city="Paris"}"#]?.v == 0.5)
        #expect(r.series.count == 7)
        #expect(r.conversion.skippedStringFields == 1)
        #expect(r.conversion.skippedStringNames == ["weather.note"])
        #expect(r.lines.errors.isEmpty)
    }

    @Test func escapesInEveryPart() throws {
        let body = #"my\ meas\,ure=x,tag\ key\,a\=b=tag\ val\,c\=d,path=C:\dir fi\=eld\ 1=1,s="say \"hi\", \\ ok",x=2 1000000"#
        let r = try convert(body)
        let name = #"my meas,ure=x_fi=eld 1"#
        let labels = try #require(r.conversion.batch.entries.first?.labels)
        #expect(Labels(labels).metricName == name)
        #expect(Labels(labels)["tag key,a=b"] == "tag val,c=d")
        #expect(Labels(labels)["path"] == #"C:\dir"#, "a backslash before an ordinary character stays")
        #expect(r.conversion.batch.entries.count == 2)
        #expect(r.conversion.skippedStringFields == 1, "the quoted string with escaped quotes, commas and spaces is one field")
        #expect(r.conversion.batch.entries.allSatisfy { $0.samples[0].t == 1 })
    }

    @Test func doubleBackslashIsOneBackslash() throws {
        let r = try convert(#"m,t=a\\ v=1"#)
        #expect(r.series[#"m_v{t="a\\"}"#]?.v == 1)
    }

    @Test func commentsBlankLinesCRLFAndSpaces() throws {
        let body = "# a comment\n\n   \r\ncpu,host=a  usage=1   5000000\r\n  # indented comment\ncpu,host=b usage=2\n"
        let r = try convert(body)
        #expect(r.lines.errors.isEmpty, "\(r.lines.errors)")
        #expect(r.series[#"cpu_usage{host="a"}"#] == Sample(t: 5, v: 1))
        #expect(r.series[#"cpu_usage{host="b"}"#] == Sample(t: 42, v: 2), "no timestamp: the server's time")
    }

    @Test(arguments: [
        ("cpu", 4, "missing fields"),
        (",host=a v=1", 1, "missing measurement"),
        ("cpu,host=a", 11, "missing fields"),
        ("cpu,=a v=1", 5, "missing tag key"),
        ("cpu,host v=1", 9, "missing tag value"),
        ("cpu,host= v=1", 10, "missing tag value"),
        ("cpu,host=a=b v=1", 11, "invalid tag format"),
        ("cpu,a=1,a=2 v=1", 9, "duplicate tag \"a\""),
        ("cpu =1", 5, "missing field key"),
        ("cpu v", 6, "missing field value"),
        ("cpu v=", 7, "missing field value"),
        ("cpu v=1,", 9, "missing field key"),
        ("cpu v=abc", 7, "invalid field value"),
        ("cpu v=NaN", 7, "invalid field value"),
        ("cpu v=1.5i", 7, "invalid integer"),
        ("cpu v=-1u", 7, "unsigned field value is negative"),
        ("cpu v=9223372036854775808i", 7, "out of the 64-bit range"),
        ("cpu v=1e999", 7, "float field value is out of range"),
        ("cpu v=\"open", 7, "unbalanced quotes"),
        ("cpu v=1 12x", 9, "bad timestamp"),
        ("cpu v=1 12 13", 12, "unexpected text after the timestamp"),
        ("cpu v=1 99999999999999999999", 9, "bad timestamp"),
    ])
    func errorsNameLineAndColumn(line: String, column: Int, message: String) throws {
        let r = try convert("good v=1\n" + line + "\ngood w=2")
        #expect(r.lines.errors.count == 1)
        let e = try #require(r.lines.errors.first)
        #expect(e.line == 2)
        #expect(e.column == column, "\(e)")
        #expect(e.message.contains(message), "\(e)")
        #expect(e.description.hasPrefix("line 2, column \(column): "))
        #expect(r.series.keys.sorted() == ["good_v{}", "good_w{}"], "the good lines are kept")
    }

    @Test func repeatedFieldKeepsItsLastValue() throws {
        #expect(try convert("m v=1,v=2").series["m_v{}"]?.v == 2)
    }

    @Test func oversizedLinesAreRefusedAlone() throws {
        let long = "m,t=" + String(repeating: "x", count: 300) + " v=1"
        let r = try convert("a v=1\n" + long + "\nb v=2", maxLineBytes: 100)
        #expect(r.lines.errors.first?.message.contains("longer than the limit of 100") == true)
        #expect(r.lines.errors.first?.excerpt.hasSuffix("…") == true)
        #expect(r.series.count == 2)
    }

    @Test func tooManyFieldsRefuseTheRequest() {
        let body = Array(String(repeating: "m a=1,b=2\n", count: 3).utf8)
        #expect(throws: IngestError.self) { _ = try InfluxLineParser.parse(body, maxFields: 5) }
    }

    @Test func precisionsAndDatabase() throws {
        #expect(try convert("m v=1 1700000000", precision: .seconds).series["m_v{}"]?.t == 1_700_000_000_000)
        #expect(try convert("m v=1 -5", precision: .minutes).series["m_v{}"]?.t == -300_000)
        #expect(try convert("m v=1 1500", precision: .microseconds).series["m_v{}"]?.t == 1)
        #expect(try convert("m v=1 2", precision: .hours).series["m_v{}"]?.t == 7_200_000)
        let overflow = try convert("m v=1 9223372036854775807", precision: .hours)
        #expect(overflow.series.isEmpty)
        #expect(overflow.conversion.problems.first?.contains("line 1: timestamp") == true)
        #expect(try convert("m v=1", db: "telegraf").series.keys.first == #"m_v{db="telegraf"}"#)
        #expect(try convert("m,db=own v=1", db: "telegraf").series.keys.first == #"m_v{db="own"}"#)
        #expect(InfluxPrecision(v2: "us") == .microseconds)
        #expect(InfluxPrecision(v2: "m") == nil)
        #expect(InfluxPrecision(v1: "h") == .hours)
        #expect(InfluxPrecision(v1: "n") == .nanoseconds)
        #expect(InfluxPrecision(v1: "x") == nil)
    }
}
