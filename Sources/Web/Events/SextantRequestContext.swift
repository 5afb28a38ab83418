import Hummingbird
import NIOCore

/// The request context of Sextant's router: Hummingbird's basic context plus the connection's
/// address, which usage-event ingestion stores as `$ip` when `--analytics.store-ip` is set.
public struct SextantRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
