package io.walnut.stats;

/** What a twemproxy stats value is: a counter only grows, a gauge goes up and down, a timestamp is a time. */
public enum Metric {
    COUNTER, GAUGE, TIMESTAMP
}
