package io.walnut.stats;

/** twemproxy's per-pool stats, in the order of its JSON and of {@code -D}. */
public enum PoolMetric {
    CLIENT_EOF(Metric.COUNTER, "# eof on client connections"),
    CLIENT_ERR(Metric.COUNTER, "# errors on client connections"),
    CLIENT_CONNECTIONS(Metric.GAUGE, "# active client connections"),
    SERVER_EJECTS(Metric.COUNTER, "# times backend server was ejected"),
    FORWARD_ERROR(Metric.COUNTER, "# times we encountered a forwarding error"),
    FRAGMENTS(Metric.COUNTER, "# fragments created from a multi-vector request");

    private final Metric kind;
    private final String description;

    PoolMetric(Metric kind, String description) {
        this.kind = kind;
        this.description = description;
    }

    /** The JSON name, e.g. {@code client_eof}. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Metric kind() {
        return kind;
    }

    public String description() {
        return description;
    }
}
