// A child process for EventStoreTests' kill -9 test: appends batches to the store in
// argv[1] forever, printing "acked N" after batch N's append returned, and flushing every 25
// batches so a kill can land mid-flush too. The test SIGKILLs it and reopens the store.
import EventStore
#if canImport(Glibc)
import Glibc
#endif

/// Writes `s` straight to a descriptor (unbuffered, so the parent sees each line at once).
func say(_ fd: Int32, _ s: String) {
    var bytes = Array(s.utf8)
    _ = write(fd, &bytes, bytes.count)
}

guard CommandLine.arguments.count == 2 else {
    say(2, "usage: EventStoreCrashChild DIRECTORY\n")
    exit(2)
}
do {
    let store = try EventStore(directory: CommandLine.arguments[1])
    var batch = 0
    while true {
        let events = (0..<40).map { j in
            Event(id: "k-\(batch)-\(j)", timestamp: 1_767_225_600_000 + Int64(batch) * 3_600_000 + Int64(j),
                  userId: "user-\(j % 7)", eventType: "user_action", category: "usage", action: "tap",
                  value: Double(j), properties: ["batch": .number(Double(batch))])
        }
        _ = try store.append(events, batchID: "b-\(batch)")
        if batch % 10 == 3 { try store.mergeUser("user-\(batch % 7)", into: "person-\(batch % 3)") }
        say(1, "acked \(batch)\n")
        if batch % 25 == 24 { try store.flush() }
        batch += 1
    }
} catch {
    say(2, "EventStoreCrashChild: \(error)\n")
    exit(1)
}
