package io.walnut.dist;

import io.walnut.config.ServerSpec;

import java.util.ArrayList;
import java.util.List;

/** Builds {@link ServerSpec} lists for tests, indexed in the given order (callers give them sorted). */
final class Servers {
    private Servers() {
    }

    /** Unnamed TCP servers {@code 127.0.0.1:<port>}, weight 1 each. */
    static List<ServerSpec> loopback(int... ports) {
        List<ServerSpec> servers = new ArrayList<>();
        for (int port : ports) {
            String name = "127.0.0.1:" + port;
            servers.add(new ServerSpec(servers.size(), name, "127.0.0.1", port, null, 1, name + ":1"));
        }
        return servers;
    }

    /** Servers named {@code s0, s1, ...} with the given weights. */
    static List<ServerSpec> weighted(int... weights) {
        List<ServerSpec> servers = new ArrayList<>();
        for (int weight : weights) {
            int i = servers.size();
            servers.add(new ServerSpec(i, "s" + i, "10.0.0." + i, 6379, null, weight, "10.0.0." + i + ":6379:" + weight + " s" + i));
        }
        return servers;
    }
}
