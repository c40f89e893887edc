package io.walnut.dist;

/** twemproxy's {@code distribution:} values. */
public enum DistributionType {
    KETAMA, MODULA, RANDOM;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
