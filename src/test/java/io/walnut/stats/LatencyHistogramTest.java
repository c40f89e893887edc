package io.walnut.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {

    @Test
    void aLatencyLandsInTheFirstBucketWhoseBoundIsAtLeastIt() {
        assertThat(LatencyHistogram.bucketOf(0)).isZero();
        assertThat(LatencyHistogram.bucketOf(50_000)).isZero();
        assertThat(LatencyHistogram.bucketOf(50_001)).isEqualTo(1);
        assertThat(LatencyHistogram.bucketOf(100_000)).isEqualTo(1);
        assertThat(LatencyHistogram.bucketOf(100_001)).isEqualTo(2);
        assertThat(LatencyHistogram.bucketOf(200_000)).isEqualTo(2);
        long lastFinite = 50_000L << (LatencyHistogram.FINITE_BUCKETS - 1);
        assertThat(LatencyHistogram.bucketOf(lastFinite)).isEqualTo(LatencyHistogram.FINITE_BUCKETS - 1);
        assertThat(LatencyHistogram.bucketOf(lastFinite + 1)).isEqualTo(LatencyHistogram.FINITE_BUCKETS);
        assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.FINITE_BUCKETS);
    }

    @Test
    void boundsDoubleFrom50MicrosecondsAndEndInInfinity() {
        assertThat(LatencyHistogram.upperBoundSeconds(0)).isEqualTo(0.00005);
        assertThat(LatencyHistogram.upperBoundSeconds(3)).isEqualTo(0.0004);
        assertThat(LatencyHistogram.upperBoundSeconds(LatencyHistogram.FINITE_BUCKETS - 1)).isEqualTo(6.5536);
        assertThat(LatencyHistogram.upperBoundSeconds(LatencyHistogram.FINITE_BUCKETS)).isInfinite();
        for (int i = 0; i < LatencyHistogram.FINITE_BUCKETS; i++) {
            long bound = Math.round(LatencyHistogram.upperBoundSeconds(i) * 1e9);
            assertThat(LatencyHistogram.bucketOf(bound)).as("bound %d", i).isEqualTo(i);
        }
    }

    @Test
    void recordingsAddUpAcrossLoops() {
        LatencyHistogram one = new LatencyHistogram();
        LatencyHistogram two = new LatencyHistogram();
        one.record(10_000);
        one.record(-5);
        two.record(150_000);
        two.record(60_000_000_000L);
        LatencyHistogram sum = new LatencyHistogram();

        one.addTo(sum);
        two.addTo(sum);

        assertThat(sum.count()).isEqualTo(4);
        assertThat(sum.count(0)).as("10 µs and a negative one count as fast").isEqualTo(2);
        assertThat(sum.count(2)).isEqualTo(1);
        assertThat(sum.count(LatencyHistogram.FINITE_BUCKETS)).isEqualTo(1);
        assertThat(sum.sumNanos()).isEqualTo(10_000 + 150_000 + 60_000_000_000L);
        assertThat(one.count()).as("the sources are untouched").isEqualTo(2);
    }
}
