package io.walnut.stats;


import io.walnut.Walnut;
import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import io.walnut.testing.StatsDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.walnut.testing.StatsDocument.number;
import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus endpoint, scraped over HTTP and parsed strictly, agrees with what the test sent. */
class PrometheusIT {
    private static final Duration STATS_BOUND = Duration.ofSeconds(5);
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void countersAndLatencyHistogramsMatchTheTraffic() throws Exception {
        try (RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start()) {
            int listen = FreePorts.loopback();
            String yaml = "alpha:\n  listen: 127.0.0.1:" + listen + "\n  redis: true\n  hash: md5\n"
                    + "  distribution: modula\n  servers:\n   - 127.0.0.1:" + r1.port() + ":1 one\n   - 127.0.0.1:"
                    + r2.port() + ":1 two\n";
            try (Walnut walnut = StatsPortIT.start(dir, yaml, true);
                 RespClient c1 = RespClient.connect(listen); RespClient c2 = RespClient.connect(listen)) {
                for (int i = 0; i < 10; i++) {
                    assertThat(c1.call(T, "SET", "key:" + i, "v")).isEqualTo("OK");
                }
                for (int i = 0; i < 5; i++) {
                    assertThat(c2.call(T, "GET", "key:" + i)).isEqualTo(StatsPortIT.b("v"));
                }
                assertThat(c2.call(T, "MGET", "key:1", "key:2", "key:3", "key:4", "key:5", "key:6")).asList()
                        .hasSize(6);
                assertThat(c2.call(T, "PING")).as("answered by the proxy: no latency, no request").isEqualTo("PONG");

                PrometheusText text = PrometheusText.scrape(walnut.metricsPort());
                Map<String, Object> json = StatsDocument.read(walnut.statsPort(), STATS_BOUND);

                long fragments = number(json, "alpha", "fragments");
                assertThat(fragments).isEqualTo(2);
                assertThat(text.value("walnut_fragments_total", "pool", "alpha")).isEqualTo(fragments);
                assertThat(text.sum("walnut_requests_total", "pool", "alpha")).isEqualTo(15 + fragments);
                assertThat(text.sum("walnut_responses_total", "pool", "alpha")).isEqualTo(15 + fragments);
                for (String server : List.of("one", "two")) {
                    assertThat(text.value("walnut_requests_total", "pool", "alpha", "server", server))
                            .isEqualTo(number(json, "alpha", server, "requests"));
                    assertThat(text.value("walnut_request_bytes_total", "pool", "alpha", "server", server))
                            .isEqualTo(number(json, "alpha", server, "request_bytes"));
                    assertThat(text.value("walnut_server_connections", "pool", "alpha", "server", server))
                            .isEqualTo(number(json, "alpha", server, "server_connections")).isPositive();
                }
                assertThat(text.value("walnut_client_connections", "pool", "alpha")).isEqualTo(2);
                assertThat(text.types).containsEntry("walnut_requests_total", "counter")
                        .containsEntry("walnut_client_connections", "gauge")
                        .containsEntry("walnut_pool_request_duration_seconds", "histogram");

                String pool = "walnut_pool_request_duration_seconds";
                assertThat(text.value(pool + "_count", "pool", "alpha")).as("SETs, GETs and the MGET")
                        .isEqualTo(16);
                assertHistogram(text, pool, "pool", "alpha");
                String server = "walnut_server_request_duration_seconds";
                assertThat(text.sum(server + "_count", "pool", "alpha")).as("one per request or fragment")
                        .isEqualTo(15 + fragments);
                assertHistogram(text, server, "pool", "alpha", "server", "one");
                assertHistogram(text, server, "pool", "alpha", "server", "two");

                assertThat(text.types).as("JVM basics").containsEntry("jvm_memory_used_bytes", "gauge")
                        .containsEntry("jvm_threads_current", "gauge");
            }
        }
    }

    /** Buckets are cumulative, end with +Inf equal to the count, and the sum is positive when counted. */
    private static void assertHistogram(PrometheusText text, String name, String... labels) {
        List<PrometheusText.Sample> buckets = text.matching(name + "_bucket", labels);
        assertThat(buckets).hasSize(LatencyHistogram.FINITE_BUCKETS + 1);
        buckets.sort(Comparator.comparingDouble(s -> Double.parseDouble(s.labels().get("le").replace("+Inf",
                "Infinity"))));
        double count = text.value(name + "_count", labels);
        assertThat(count).isPositive();
        assertThat(buckets.get(buckets.size() - 1).labels().get("le")).isEqualTo("+Inf");
        assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(count);
        for (int i = 1; i < buckets.size(); i++) {
            assertThat(buckets.get(i).value()).isGreaterThanOrEqualTo(buckets.get(i - 1).value());
        }
        assertThat(text.value(name + "_sum", labels)).isPositive();
    }
}
