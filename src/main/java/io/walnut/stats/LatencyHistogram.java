package io.walnut.stats;

/**
 * Request latencies in fixed exponential buckets: upper bounds of 50 µs doubling up to about 6.6 s, then
 * {@code +Inf}. One instance per pool or server per event loop, written only by that loop: plain fields, no
 * lock, no CAS and no allocation per {@link #record}. Readers sum the loops' instances on each loop's own thread
 * ({@link #addTo}), as the stats counters are summed.
 */
public final class LatencyHistogram {
    /** The first bucket's upper bound; each next bound doubles it. */
    static final long FIRST_BOUND_NANOS = 50_000;
    /** Buckets with a finite upper bound; one more, {@code +Inf}, follows them. */
    public static final int FINITE_BUCKETS = 18;

    /** Per-bucket (not cumulative) counts; the last is {@code +Inf}. */
    private final long[] counts = new long[FINITE_BUCKETS + 1];
    private long sumNanos;

    /** Counts one latency; a negative one (which a monotonic clock never gives) counts as zero. */
    public void record(long nanos) {
        long n = Math.max(nanos, 0);
        counts[bucketOf(n)]++;
        sumNanos += n;
    }

    /** The smallest bucket whose upper bound is at least {@code nanos}: {@code le}, as Prometheus means it. */
    static int bucketOf(long nanos) {
        if (nanos <= FIRST_BOUND_NANOS) {
            return 0;
        }
        long units = (nanos + FIRST_BOUND_NANOS - 1) / FIRST_BOUND_NANOS; // ceil: nanos <= bound(i) iff units <= 2^i
        int bucket = 64 - Long.numberOfLeadingZeros(units - 1);
        return Math.min(bucket, FINITE_BUCKETS);
    }

    /** Bucket {@code i}'s upper bound in seconds; {@code +Inf} for the last. */
    public static double upperBoundSeconds(int bucket) {
        return bucket >= FINITE_BUCKETS ? Double.POSITIVE_INFINITY
                : (FIRST_BOUND_NANOS << bucket) / 1e9;
    }

    /** Adds this histogram into {@code sum}; run it on the thread that records into this one. */
    public void addTo(LatencyHistogram sum) {
        for (int i = 0; i < counts.length; i++) {
            sum.counts[i] += counts[i];
        }
        sum.sumNanos += sumNanos;
    }

    /** The count in bucket {@code i} alone (not cumulative). */
    public long count(int bucket) {
        return counts[bucket];
    }

    public long count() {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    public long sumNanos() {
        return sumNanos;
    }
}
