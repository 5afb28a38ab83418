import TSDB

/// How one target's scraped series become stored series: the target's labels, `honor_labels`,
/// `metric_relabel_configs` and the label limits.
struct ScrapeContext: Sendable {
    /// Sorted; no `__` labels.
    var targetLabels: [Label]
    var honorLabels = false
    var honorTimestamps = true
    var trackTimestampsStaleness = false
    var metricRelabel: [RelabelConfig] = []
    var sampleLimit = 0
    var labelLimit = 0
    var labelNameLengthLimit = 0
    var labelValueLengthLimit = 0

    init(target: ScrapeTarget, config: ScrapeConfig) {
        targetLabels = target.labels.pairs
        honorLabels = config.honorLabels
        honorTimestamps = config.honorTimestamps
        trackTimestampsStaleness = config.trackTimestampsStaleness
        metricRelabel = config.metricRelabelConfigs
        sampleLimit = config.sampleLimit
        labelLimit = config.labelLimit
        labelNameLengthLimit = config.labelNameLengthLimit
        labelValueLengthLimit = config.labelValueLengthLimit
    }

    /// The stored labels of a scraped series, or nil when metric relabeling drops it. Throws
    /// (failing the scrape, as Prometheus does) when the result breaks a limit or is not a valid
    /// series.
    func finalLabels(_ scraped: [Label]) throws(IngestError) -> Labels? {
        var lb = LabelBuilder(scraped)
        merge(into: &lb)
        if !metricRelabel.isEmpty && !RelabelConfig.apply(metricRelabel, to: &lb) { return nil }
        let metric = lb.get(Labels.metricName)
        if labelLimit > 0 && lb.labels.count > labelLimit {
            throw IngestError(.scrapeFailed, "label_limit exceeded (metric: \(metric.prefix(50)), number of labels: \(lb.labels.count), limit: \(labelLimit))")
        }
        for l in lb.labels {
            if labelNameLengthLimit > 0 && l.name.utf8.count > labelNameLengthLimit {
                throw IngestError(.scrapeFailed, "label_name_length_limit exceeded (metric: \(metric.prefix(50)), label name: \(l.name.prefix(50)), length: \(l.name.utf8.count), limit: \(labelNameLengthLimit))")
            }
            if labelValueLengthLimit > 0 && l.value.utf8.count > labelValueLengthLimit {
                throw IngestError(.scrapeFailed, "label_value_length_limit exceeded (metric: \(metric.prefix(50)), label value: \(l.value.prefix(50)), length: \(l.value.utf8.count), limit: \(labelValueLengthLimit))")
            }
        }
        switch SeriesValidator.validate(lb.labels) {
        case .success(let labels): return labels
        case .failure(let e): throw IngestError(.scrapeFailed, e.message)
        }
    }

    /// Adds the target's labels as Prometheus does. With `honor_labels`, the scraped value wins
    /// and target labels only fill gaps. Without it the target's value wins and a scraped value
    /// it replaces moves to `exported_NAME` (more `exported_` prefixes while that is taken,
    /// shortest names first).
    func merge(into lb: inout LabelBuilder) {
        if honorLabels {
            for t in targetLabels where lb.get(t.name).isEmpty { lb.set(t.name, t.value) }
            return
        }
        var conflicts: [Label] = []
        for t in targetLabels {
            let scraped = lb.get(t.name)
            // Even an equal value is kept as `exported_NAME`, as Prometheus does.
            if !scraped.isEmpty {
                conflicts.append(Label(t.name, scraped))
            }
            lb.set(t.name, t.value)
        }
        if conflicts.isEmpty { return }
        let ordered = conflicts.enumerated().sorted { a, b in
            a.element.name.utf8.count != b.element.name.utf8.count
                ? a.element.name.utf8.count < b.element.name.utf8.count : a.offset < b.offset
        }.map(\.element)
        for c in ordered {
            var name = c.name
            repeat { name = "exported_" + name } while !lb.get(name).isEmpty
            lb.set(name, c.value)
        }
    }
}
