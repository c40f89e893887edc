package io.walnut;

/** Walnut's version, and the twemproxy version it is compatible with. */
public final class Version {
    public static final String VERSION = "0.1.0";
    /** Reported where twemproxy's tools expect nutcracker's version (the stats JSON). */
    public static final String TWEMPROXY_VERSION = "0.5.0";

    private Version() {
    }
}
