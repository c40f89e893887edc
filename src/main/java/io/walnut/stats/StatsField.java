package io.walnut.stats;

import java.util.Locale;

/**
 * A field of twemproxy's stats, as {@link PoolMetric} and {@link ServerMetric} list them: its JSON name (the
 * constant's name in lower case), its kind and nutcracker's description of it.
 */
public interface StatsField {

    /** What each constant of a stats table holds. */
    record Definition(Metric kind, String description) {
    }

    /** The constant's name, e.g. {@code CLIENT_EOF}. */
    String name();

    Definition definition();

    /** The JSON name, e.g. {@code client_eof}. */
    default String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    default Metric kind() {
        return definition().kind();
    }

    default String description() {
        return definition().description();
    }
}
