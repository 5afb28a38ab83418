import Foundation
import Yams

extension ScrapeSettings {
    /// `basic_auth`, `authorization`, `bearer_token(_file)`, `tls_config` and `follow_redirects`
    /// of one job, with Prometheus's rules on which may be combined.
    static func parseHTTP(_ m: [String: Node], _ p: String, directory: String,
                          _ r: ScrapeConfigReader) throws(IngestError) -> HTTPSettings {
        func resolve(_ f: String) -> String { f.hasPrefix("/") || directory.isEmpty ? f : directory + "/" + f }
        var http = HTTPSettings()
        if let v = m["basic_auth"] {
            let b = try r.mapping(v, "\(p).basic_auth", known: ["username", "password", "password_file"])
            let user = try b["username"].map { n throws(IngestError) in try r.string(n, "\(p).basic_auth.username") } ?? ""
            var auth = HTTPSettings.BasicAuth(username: user)
            auth.password = try b["password"].map { n throws(IngestError) in try r.string(n, "\(p).basic_auth.password") }
            auth.passwordFile = try b["password_file"].map { n throws(IngestError) in resolve(try r.string(n, "\(p).basic_auth.password_file")) }
            if auth.password != nil && auth.passwordFile != nil {
                throw r.fail(v, "\(p).basic_auth", "at most one of basic_auth password & password_file must be configured")
            }
            http.basicAuth = auth
        }
        var authorization: HTTPSettings.Authorization?
        if let v = m["authorization"] {
            let a = try r.mapping(v, "\(p).authorization", known: ["type", "credentials", "credentials_file"])
            var auth = HTTPSettings.Authorization()
            if let t = a["type"] { auth.type = try r.string(t, "\(p).authorization.type") }
            if auth.type.lowercased() == "basic" {
                throw r.fail(v, "\(p).authorization", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead")
            }
            auth.credentials = try a["credentials"].map { n throws(IngestError) in try r.string(n, "\(p).authorization.credentials") }
            auth.credentialsFile = try a["credentials_file"].map { n throws(IngestError) in
                resolve(try r.string(n, "\(p).authorization.credentials_file"))
            }
            if auth.credentials != nil && auth.credentialsFile != nil {
                throw r.fail(v, "\(p).authorization", "at most one of authorization credentials & credentials_file must be configured")
            }
            authorization = auth
        }
        let token = try m["bearer_token"].map { n throws(IngestError) in try r.string(n, "\(p).bearer_token") }
        let tokenFile = try m["bearer_token_file"].map { n throws(IngestError) in resolve(try r.string(n, "\(p).bearer_token_file")) }
        if token != nil || tokenFile != nil {
            if token != nil && tokenFile != nil {
                throw r.fail(m["bearer_token"], p, "at most one of bearer_token & bearer_token_file must be configured")
            }
            if authorization != nil {
                throw r.fail(m["bearer_token"] ?? m["bearer_token_file"], p,
                             "at most one of bearer_token, bearer_token_file & authorization must be configured")
            }
            authorization = HTTPSettings.Authorization(type: "Bearer", credentials: token, credentialsFile: tokenFile)
        }
        if http.basicAuth != nil && authorization != nil {
            throw r.fail(m["basic_auth"], p, "at most one of basic_auth, authorization (or bearer_token) must be configured")
        }
        http.authorization = authorization
        if let v = m["tls_config"] {
            let t = try r.mapping(v, "\(p).tls_config", known: ["insecure_skip_verify", "ca_file", "cert_file", "key_file", "server_name"])
            if let n = t["insecure_skip_verify"] { http.tls.insecureSkipVerify = try r.bool(n, "\(p).tls_config.insecure_skip_verify") }
            if let n = t["ca_file"] { http.tls.caFile = resolve(try r.string(n, "\(p).tls_config.ca_file")) }
            if let n = t["cert_file"] { http.tls.certFile = resolve(try r.string(n, "\(p).tls_config.cert_file")) }
            if let n = t["key_file"] { http.tls.keyFile = resolve(try r.string(n, "\(p).tls_config.key_file")) }
            if let n = t["server_name"] { http.tls.serverName = try r.string(n, "\(p).tls_config.server_name") }
            if (http.tls.certFile == nil) != (http.tls.keyFile == nil) {
                throw r.fail(v, "\(p).tls_config", "client cert_file and key_file must be configured together")
            }
        }
        if let v = m["follow_redirects"] { http.followRedirects = try r.bool(v, "\(p).follow_redirects") }
        return http
    }
}
