package io.walnut.stats;

import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;

import java.util.List;

/**
 * twemproxy's stats document, byte for byte: one line, {@code "name":value, } pairs, pools and servers in
 * sorted order, names written unescaped as twemproxy writes them, ending {@code }}}\n}.
 */
public final class StatsJson {
    private StatsJson() {
    }

    /** The header fields that are not per pool. */
    public record Header(String source, String version, long uptimeSeconds, long timestampSeconds,
                         long totalConnections, long currConnections) {
    }

    public static String render(Header h, List<PoolConfig> pools, StatsSnapshot s) {
        StringBuilder b = new StringBuilder(512 + pools.size() * 1024);
        b.append('{');
        string(b, "service", "nutcracker");
        string(b, "source", h.source());
        string(b, "version", h.version());
        number(b, "uptime", h.uptimeSeconds());
        number(b, "timestamp", h.timestampSeconds());
        number(b, "total_connections", h.totalConnections());
        number(b, "curr_connections", h.currConnections());
        for (int p = 0; p < pools.size(); p++) {
            b.append('"').append(pools.get(p).name()).append("\": {");
            for (PoolMetric m : PoolMetric.values()) {
                number(b, m.jsonName(), s.pools()[p][m.ordinal()]);
            }
            List<ServerSpec> servers = pools.get(p).servers();
            for (int i = 0; i < servers.size(); i++) {
                b.append('"').append(servers.get(i).name()).append("\": {");
                for (ServerMetric m : ServerMetric.values()) {
                    number(b, m.jsonName(), s.servers()[p][i][m.ordinal()]);
                }
                closeObject(b);
            }
            closeObject(b);
        }
        b.setLength(b.length() - 1);
        return b.append("}\n").toString();
    }

    /** Turns the trailing {@code ", "} (or {@code ","}) into {@code "},"}, as twemproxy does. */
    private static void closeObject(StringBuilder b) {
        int cut = b.charAt(b.length() - 1) == ' ' ? 2 : 1;
        b.setLength(b.length() - cut);
        b.append("},");
    }

    private static void string(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":\"").append(value).append("\", ");
    }

    private static void number(StringBuilder b, String name, long value) {
        b.append('"').append(name).append("\":").append(value).append(", ");
    }
}
