/// What the app runs on, sent as every event's `deviceInfo`.
public struct DeviceInfo: Sendable, Hashable, Codable {
    /// `ios`, `android`, `web`, `linux`, `macos`, ...
    public var platform: String
    /// The app's own version, e.g. `3.2.1`.
    public var appVersion: String
    /// The operating system's (or browser's) version, e.g. `17.4`.
    public var osVersion: String

    public init(platform: String, appVersion: String, osVersion: String) {
        self.platform = platform
        self.appVersion = appVersion
        self.osVersion = osVersion
    }
}
