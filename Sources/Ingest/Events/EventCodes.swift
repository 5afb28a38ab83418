extension IngestError.Code {
    /// A body that is not well-formed JSON, or not of the expected shape (not an envelope, no
    /// events). The offset says where.
    public static let badJSON = IngestError.Code(name: "badJSON")
    /// A JSON value nested deeper than allowed. Inside an event's properties this rejects only
    /// that event; in the envelope it rejects the request.
    public static let tooDeep = IngestError.Code(name: "tooDeep")
    /// A request without the API key the server requires, or with a wrong or unusable one.
    public static let unauthorized = IngestError.Code(name: "unauthorized")
}
