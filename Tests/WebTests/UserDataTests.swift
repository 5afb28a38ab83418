import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Web

/// The whole server with its real event store: events posted to the native API are exported
/// per person and erased on request, and the erased person's id is gone from every file.
@Suite struct UserDataTests {
    @Test func exportThenEraseAPerson() async throws {
        let server = TestServer(); defer { server.cleanup() }
        let app = try await buildApplication(server.config)
        try await app.test(.router) { client in
            let events = (0..<3).map { nativeEventJSON(id: "a-\($0)", user: "alice-42") } + [nativeEventJSON(id: "b-0", user: "bob-7")]
            try await client.execute(uri: "/api/analytics/events", method: .post, headers: [.contentType: "application/json"],
                                     body: jsonBody(["events": events, "batchId": "b1"])) { r in
                let accepted = try json(r.body)["accepted"] as? Int
                #expect(r.status == .ok)
                #expect(accepted == 4)
            }
            try await client.execute(uri: "/api/analytics/users/alice-42/events", method: .get) { r in
                #expect(r.status == .ok)
                let lines = String(buffer: r.body).split(separator: "\n")
                #expect(lines.count == 3)
                let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
                #expect(first?["userId"] as? String == "alice-42")
                #expect(first?["action"] as? String == "screen_view")
                #expect((first?["properties"] as? [String: String]) == ["screen": "home"])
            }
            try await client.execute(uri: "/api/analytics/users/alice-42", method: .delete) { r in
                let erased = (try json(r.body)["data"] as? [String: Any])?["erasedEvents"] as? Int
                #expect(r.status == .ok)
                #expect(erased == 3)
            }
            try await client.execute(uri: "/api/analytics/users/alice-42/events", method: .get) { r in
                #expect(String(buffer: r.body).isEmpty)
            }
            try await client.execute(uri: "/api/analytics/users/bob-7/events", method: .get) { r in
                #expect(String(buffer: r.body).split(separator: "\n").count == 1)
            }
        }
        // Nothing of the erased person is left in any file of the data folder.
        let root = server.dir + "/events"
        for path in FileManager.default.subpaths(atPath: root) ?? [] {
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
            #expect(data.range(of: Data("alice-42".utf8)) == nil, "\(path) still holds the erased user id")
        }
    }
}
