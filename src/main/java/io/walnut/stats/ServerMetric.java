package io.walnut.stats;

/** twemproxy's per-server stats, in the order of its JSON and of {@code -D}. */
public enum ServerMetric implements StatsField {
    SERVER_EOF(Metric.COUNTER, "# eof on server connections"),
    SERVER_ERR(Metric.COUNTER, "# errors on server connections"),
    SERVER_TIMEDOUT(Metric.COUNTER, "# timeouts on server connections"),
    SERVER_CONNECTIONS(Metric.GAUGE, "# active server connections"),
    SERVER_EJECTED_AT(Metric.TIMESTAMP, "timestamp when server was ejected in usec since epoch"),
    REQUESTS(Metric.COUNTER, "# requests"),
    REQUEST_BYTES(Metric.COUNTER, "total request bytes"),
    RESPONSES(Metric.COUNTER, "# responses"),
    RESPONSE_BYTES(Metric.COUNTER, "total response bytes"),
    IN_QUEUE(Metric.GAUGE, "# requests in incoming queue"),
    IN_QUEUE_BYTES(Metric.GAUGE, "current request bytes in incoming queue"),
    OUT_QUEUE(Metric.GAUGE, "# requests in outgoing queue"),
    OUT_QUEUE_BYTES(Metric.GAUGE, "current request bytes in outgoing queue");

    private final Definition definition;

    ServerMetric(Metric kind, String description) {
        this.definition = new Definition(kind, description);
    }

    @Override
    public Definition definition() {
        return definition;
    }
}
