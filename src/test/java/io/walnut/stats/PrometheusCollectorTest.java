package io.walnut.stats;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.walnut.config.ListenAddress;
import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;
import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The collector turns a snapshot into labelled metrics; rendered by the library, read by a strict parser. */
class PrometheusCollectorTest {

    @Test
    void everyStatBecomesALabelledMetricAndLatenciesBecomeHistograms() throws IOException {
        List<PoolConfig> pools = List.of(pool("alpha", "127.0.0.1:6379", "s2"), pool("beta", "b1"));
        StatsSnapshot s = StatsSnapshot.zero(new int[] {2, 1});
        s.pools()[0][PoolMetric.CLIENT_EOF.ordinal()] = 3;
        s.pools()[1][PoolMetric.CLIENT_CONNECTIONS.ordinal()] = 7;
        s.servers()[0][1][ServerMetric.REQUESTS.ordinal()] = 41;
        s.servers()[0][1][ServerMetric.SERVER_EJECTED_AT.ordinal()] = 1_795_551_998_575_311L;
        s.servers()[1][0][ServerMetric.OUT_QUEUE_BYTES.ordinal()] = 12;
        s.poolLatency()[0].record(40_000);
        s.poolLatency()[0].record(70_000);
        s.poolLatency()[0].record(90_000);
        s.serverLatency()[1][0].record(20_000_000_000L);

        PrometheusText text = render(new PrometheusCollector(pools, () -> s, () -> 11, () -> 5));

        assertThat(text.types).containsEntry("walnut_client_eof_total", "counter")
                .containsEntry("walnut_client_connections", "gauge")
                .containsEntry("walnut_requests_total", "counter")
                .containsEntry("walnut_server_ejected_at_seconds", "gauge")
                .containsEntry("walnut_pool_request_duration_seconds", "histogram")
                .containsEntry("walnut_server_request_duration_seconds", "histogram");
        for (PoolMetric m : PoolMetric.values()) {
            assertThat(text.matching(name(m.jsonName(), m.kind()))).as(m.jsonName()).hasSize(2);
        }
        for (ServerMetric m : ServerMetric.values()) {
            assertThat(text.matching(name(m.jsonName(), m.kind()))).as(m.jsonName()).hasSize(3);
        }
        assertThat(text.value("walnut_connections_total")).isEqualTo(11);
        assertThat(text.value("walnut_curr_connections")).isEqualTo(5);
        assertThat(text.value("walnut_client_eof_total", "pool", "alpha")).isEqualTo(3);
        assertThat(text.value("walnut_client_eof_total", "pool", "beta")).isZero();
        assertThat(text.value("walnut_client_connections", "pool", "beta")).isEqualTo(7);
        assertThat(text.value("walnut_requests_total", "pool", "alpha", "server", "s2")).isEqualTo(41);
        assertThat(text.value("walnut_requests_total", "pool", "alpha", "server", "127.0.0.1:6379")).isZero();
        assertThat(text.value("walnut_server_ejected_at_seconds", "pool", "alpha", "server", "s2"))
                .isCloseTo(1_795_551_998.575311, within(1e-6));
        assertThat(text.value("walnut_out_queue_bytes", "pool", "beta", "server", "b1")).isEqualTo(12);

        String pool = "walnut_pool_request_duration_seconds";
        assertThat(text.value(pool + "_count", "pool", "alpha")).isEqualTo(3);
        assertThat(text.value(pool + "_sum", "pool", "alpha")).isCloseTo(0.0002, within(1e-12));
        assertThat(text.value(pool + "_bucket", "pool", "alpha", "le", "5.0E-5")).as("cumulative").isEqualTo(1);
        assertThat(text.value(pool + "_bucket", "pool", "alpha", "le", "1.0E-4")).isEqualTo(3);
        assertThat(text.value(pool + "_bucket", "pool", "alpha", "le", "+Inf")).isEqualTo(3);
        assertThat(text.matching(pool + "_bucket", "pool", "alpha")).hasSize(LatencyHistogram.FINITE_BUCKETS + 1);
        String server = "walnut_server_request_duration_seconds";
        assertThat(text.value(server + "_bucket", "pool", "beta", "server", "b1", "le", "6.5536")).isZero();
        assertThat(text.value(server + "_bucket", "pool", "beta", "server", "b1", "le", "+Inf")).isEqualTo(1);
        assertThat(text.value(server + "_count", "pool", "alpha", "server", "s2")).isZero();
    }

    private static String name(String jsonName, Metric kind) {
        switch (kind) {
            case COUNTER:
                return "walnut_" + jsonName + "_total";
            case TIMESTAMP:
                return "walnut_" + jsonName + "_seconds";
            default:
                return "walnut_" + jsonName;
        }
    }

    private static PrometheusText render(PrometheusCollector collector) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, collector.collect());
        return PrometheusText.parse(out.toString(StandardCharsets.UTF_8));
    }

    private static PoolConfig pool(String name, String... serverNames) {
        List<ServerSpec> servers = new java.util.ArrayList<>();
        for (String s : serverNames) {
            servers.add(new ServerSpec(servers.size(), s, "127.0.0.1", 6379, null, 1, "127.0.0.1:6379:1 " + s));
        }
        return new PoolConfig(name, new ListenAddress("127.0.0.1:1", new InetSocketAddress("127.0.0.1", 1), null, 0),
                HashFunction.FNV1A_64, null, DistributionType.KETAMA, -1, 512, 0, true, null, 0, false, false, 1,
                30000, 2, false, servers);
    }
}
