package io.walnut.stats;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The stats port's values as Prometheus metrics, built at scrape time from one {@link StatsSnapshot} (which sums
 * each event loop's share on that loop), so the request path never does more than bump plain fields.
 *
 * <p>Names: every twemproxy field {@code x} becomes {@code walnut_x} with a {@code pool} label (pool fields) or
 * {@code pool} and {@code server} labels (server fields); counters get the {@code _total} suffix on the wire.
 * The one exception is {@code server_ejected_at}, a gauge in seconds ({@code walnut_server_ejected_at_seconds})
 * as Prometheus counts time. The header's connection counts are {@code walnut_connections_total} (ever opened)
 * and {@code walnut_curr_connections}. Latencies are histograms in seconds:
 * {@code walnut_pool_request_duration_seconds} (a client's request read to its reply ready, every forwarded
 * request, failed ones included) and {@code walnut_server_request_duration_seconds} (a request or fragment
 * queued for a server to its reply read).
 *
 * <p>Called by the exporter's threads; {@code snapshot} must be safe to call from any thread.
 */
public final class PrometheusCollector implements MultiCollector {
    static final String PREFIX = "walnut_";
    static final String POOL_LATENCY = PREFIX + "pool_request_duration_seconds";
    static final String SERVER_LATENCY = PREFIX + "server_request_duration_seconds";
    private static final double MICROS_PER_SECOND = 1e6;
    private static final double NANOS_PER_SECOND = 1e9;

    private final List<PoolConfig> pools;
    private final Supplier<StatsSnapshot> snapshot;
    private final LongSupplier totalConnections;
    private final LongSupplier currentConnections;

    public PrometheusCollector(List<PoolConfig> pools, Supplier<StatsSnapshot> snapshot,
                               LongSupplier totalConnections, LongSupplier currentConnections) {
        this.pools = List.copyOf(pools);
        this.snapshot = snapshot;
        this.totalConnections = totalConnections;
        this.currentConnections = currentConnections;
    }

    @Override
    public MetricSnapshots collect() {
        StatsSnapshot s = snapshot.get();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(CounterSnapshot.builder().name(PREFIX + "connections")
                .help("connections ever opened: pool listeners, clients and servers (total_connections)")
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                        .value(totalConnections.getAsLong()).build())
                .build());
        out.add(GaugeSnapshot.builder().name(PREFIX + "curr_connections")
                .help("connections open now: pool listeners, clients and servers (curr_connections)")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .value(currentConnections.getAsLong()).build())
                .build());
        for (PoolMetric m : PoolMetric.values()) {
            List<Labels> labels = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int p = 0; p < pools.size(); p++) {
                labels.add(poolLabels(p));
                values.add((double) s.pools()[p][m.ordinal()]);
            }
            out.add(metric(m, labels, values));
        }
        for (ServerMetric m : ServerMetric.values()) {
            List<Labels> labels = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int p = 0; p < pools.size(); p++) {
                List<ServerSpec> servers = pools.get(p).servers();
                for (int i = 0; i < servers.size(); i++) {
                    labels.add(serverLabels(p, i));
                    values.add((double) s.servers()[p][i][m.ordinal()]);
                }
            }
            out.add(metric(m, labels, values));
        }
        out.add(poolLatency(s));
        out.add(serverLatency(s));
        return new MetricSnapshots(out);
    }

    private static MetricSnapshot metric(StatsField field, List<Labels> labels, List<Double> values) {
        String jsonName = field.jsonName();
        Metric kind = field.kind();
        String description = field.description();
        String help = description.startsWith("# ") ? "number of " + description.substring(2) : description;
        switch (kind) {
            case COUNTER: {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(PREFIX + jsonName).help(help);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(labels.get(i)).value(values.get(i)).build());
                }
                return b.build();
            }
            case TIMESTAMP: {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(PREFIX + jsonName + "_seconds")
                        .help(help.replace("in usec", "in seconds"));
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels.get(i)).value(values.get(i) / MICROS_PER_SECOND).build());
                }
                return b.build();
            }
            default: {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(PREFIX + jsonName).help(help);
                for (int i = 0; i < labels.size(); i++) {
                    b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels.get(i)).value(values.get(i)).build());
                }
                return b.build();
            }
        }
    }

    private HistogramSnapshot poolLatency(StatsSnapshot s) {
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(POOL_LATENCY)
                .help("seconds from a client's request read to its reply ready, per pool");
        for (int p = 0; p < pools.size(); p++) {
            b.dataPoint(histogram(poolLabels(p), s.poolLatency()[p]));
        }
        return b.build();
    }

    private HistogramSnapshot serverLatency(StatsSnapshot s) {
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name(SERVER_LATENCY)
                .help("seconds from a request queued for a server to its reply read, per server");
        for (int p = 0; p < pools.size(); p++) {
            for (int i = 0; i < pools.get(p).servers().size(); i++) {
                b.dataPoint(histogram(serverLabels(p, i), s.serverLatency()[p][i]));
            }
        }
        return b.build();
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot histogram(Labels labels, LatencyHistogram h) {
        int buckets = LatencyHistogram.FINITE_BUCKETS + 1;
        double[] bounds = new double[buckets];
        long[] counts = new long[buckets];
        for (int i = 0; i < buckets; i++) {
            bounds[i] = LatencyHistogram.upperBoundSeconds(i);
            counts[i] = h.count(i);
        }
        return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(h.sumNanos() / NANOS_PER_SECOND)
                .build();
    }

    private Labels poolLabels(int p) {
        return Labels.of("pool", pools.get(p).name());
    }

    private Labels serverLabels(int p, int server) {
        return Labels.of("pool", pools.get(p).name(), "server", pools.get(p).servers().get(server).name());
    }
}
