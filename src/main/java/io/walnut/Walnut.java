package io.walnut;

import io.walnut.config.ProxyConfig;

/** The running proxy: event loops, pool listeners and the stats server. */
public final class Walnut {
    private Walnut() {
    }

    /** Starts the proxy and blocks until it is stopped; returns the process exit code. */
    public static int run(LaunchOptions options, ProxyConfig config) {
        throw new UnsupportedOperationException("TODO: the proxy path");
    }
}
