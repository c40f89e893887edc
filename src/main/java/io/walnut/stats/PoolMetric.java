package io.walnut.stats;

/** twemproxy's per-pool stats, in the order of its JSON and of {@code -D}. */
public enum PoolMetric implements StatsField {
    CLIENT_EOF(Metric.COUNTER, "# eof on client connections"),
    CLIENT_ERR(Metric.COUNTER, "# errors on client connections"),
    CLIENT_CONNECTIONS(Metric.GAUGE, "# active client connections"),
    SERVER_EJECTS(Metric.COUNTER, "# times backend server was ejected"),
    FORWARD_ERROR(Metric.COUNTER, "# times we encountered a forwarding error"),
    FRAGMENTS(Metric.COUNTER, "# fragments created from a multi-vector request");

    private final Definition definition;

    PoolMetric(Metric kind, String description) {
        this.definition = new Definition(kind, description);
    }

    @Override
    public Definition definition() {
        return definition;
    }
}
