package io.walnut.dist;

import io.walnut.config.ServerSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * twemproxy's ketama continuum over the live servers: per server a weight-proportional number of points (computed
 * in float32, exactly as twemproxy does), four per MD5 digest of {@code "<name>-<i>"}; a key goes to the first
 * point at or above its hash, wrapping to the first point.
 *
 * <p>Immutable; any thread. The continuum is two parallel int arrays, found through a bucket index on the
 * hash's top bits: a lookup reads one or two points where bisection takes nine unpredictable branches (2 servers)
 * to fourteen (100). No boxing, no allocation per lookup.
 */
public final class Ketama implements Distribution {
    private static final int POINTS_PER_SERVER = 160;
    private static final int POINTS_PER_DIGEST = 4;
    /** twemproxy formats {@code "<name>-<i>"} into a buffer this big (with the NUL), truncating longer names. */
    private static final int MAX_POINT_NAME_BYTES = 273 - 1;

    /**
     * Point values with the sign bit flipped, ascending. Flipping turns unsigned order into signed order, so
     * the search compares plain ints.
     */
    private final int[] flippedPoints;
    /** {@code servers[i]} owns {@code flippedPoints[i]}. */
    private final int[] servers;
    /**
     * {@code bucketStart[b]}: the index of the first point whose value is at least {@code b << bucketShift}
     * (unsigned), for {@code b} from 0 to the bucket count inclusive (the last is the point count).
     */
    private final int[] bucketStart;
    private final int bucketShift;

    private Ketama(int[] flippedPoints, int[] servers) {
        this.flippedPoints = flippedPoints;
        this.servers = servers;
        // About two buckets per point, so a bucket holds a point or none; at most 2^16 buckets.
        int bits = Math.min(16, 33 - Integer.numberOfLeadingZeros(flippedPoints.length));
        this.bucketShift = 32 - bits;
        this.bucketStart = new int[(1 << bits) + 1];
        int point = 0;
        for (int b = 0; b < (1 << bits); b++) {
            int lowerBound = (b << bucketShift) ^ Integer.MIN_VALUE;
            while (point < flippedPoints.length && flippedPoints[point] < lowerBound) {
                point++;
            }
            bucketStart[b] = point;
        }
        bucketStart[1 << bits] = flippedPoints.length;
    }

    /**
     * Builds the continuum over {@code liveServers}, which must be non-empty and in index order (twemproxy adds
     * points in that order, and it decides which of two equal points comes first).
     */
    public static Ketama over(List<ServerSpec> liveServers) {
        if (liveServers.isEmpty()) {
            throw new IllegalArgumentException("ketama needs at least one live server");
        }
        long totalWeight = 0;
        for (ServerSpec server : liveServers) {
            totalWeight += server.weight();
        }
        int[] pointCounts = new int[liveServers.size()];
        int total = 0;
        for (int s = 0; s < pointCounts.length; s++) {
            pointCounts[s] = pointsPerServer(liveServers.get(s).weight(), totalWeight, liveServers.size());
            total += pointCounts[s];
        }
        // Each entry is (unsigned point value << 31 | insertion position): sorting these longs orders points by
        // value and keeps insertion order among equal values, as glibc's merge-sorting qsort does.
        long[] keyed = new long[total];
        int[] ownerByPosition = new int[total];
        MessageDigest md5 = newMd5();
        int position = 0;
        for (int s = 0; s < pointCounts.length; s++) {
            ServerSpec server = liveServers.get(s);
            for (int digestIndex = 0; digestIndex < pointCounts[s] / POINTS_PER_DIGEST; digestIndex++) {
                for (int point : pointsOfDigest(md5, pointName(server.name(), digestIndex))) {
                    keyed[position] = (Integer.toUnsignedLong(point) << 31) | position;
                    ownerByPosition[position] = server.index();
                    position++;
                }
            }
        }
        Arrays.sort(keyed);
        int[] flipped = new int[total];
        int[] owners = new int[total];
        for (int i = 0; i < total; i++) {
            flipped[i] = (int) (keyed[i] >>> 31) ^ Integer.MIN_VALUE;
            owners[i] = ownerByPosition[(int) (keyed[i] & Integer.MAX_VALUE)];
        }
        return new Ketama(flipped, owners);
    }

    @Override
    public int select(int hash) {
        int target = hash ^ Integer.MIN_VALUE;
        int bucket = hash >>> bucketShift;
        // Points before the bucket are below the hash; the next bucket's first point is above it.
        int i = bucketStart[bucket];
        int end = bucketStart[bucket + 1];
        while (i < end && flippedPoints[i] < target) {
            i++;
        }
        return servers[i == flippedPoints.length ? 0 : i];
    }

    /** Number of points on the continuum. */
    public int pointCount() {
        return flippedPoints.length;
    }

    /** The value of the {@code i}-th smallest point, unsigned. */
    long pointValue(int i) {
        return Integer.toUnsignedLong(flippedPoints[i] ^ Integer.MIN_VALUE);
    }

    /** The server index owning the {@code i}-th smallest point. */
    int pointOwner(int i) {
        return servers[i];
    }

    /**
     * twemproxy's points for one server: {@code 4 * floor(pct * 160 / 4 * nlive + 1e-10)} with every step in
     * float32 but the addition, which is done in double and rounded back. Doing it in double instead would give
     * 160 where twemproxy gives 156 for some server counts.
     */
    static int pointsPerServer(int weight, long totalWeight, int liveCount) {
        float pct = (float) weight / (float) totalWeight;
        float scaled = pct * POINTS_PER_SERVER / POINTS_PER_DIGEST * (float) liveCount;
        float nudged = (float) (scaled + 0.0000000001);
        return (int) Math.floor(nudged) * POINTS_PER_DIGEST;
    }

    /** The bytes twemproxy digests for a server's {@code digestIndex}-th four points. */
    static byte[] pointName(String serverName, int digestIndex) {
        byte[] bytes = (serverName + "-" + digestIndex).getBytes(StandardCharsets.UTF_8);
        return bytes.length > MAX_POINT_NAME_BYTES ? Arrays.copyOf(bytes, MAX_POINT_NAME_BYTES) : bytes;
    }

    /** The four points of one digest: its 16 bytes as four little-endian uint32s. */
    static int[] pointsOfDigest(MessageDigest md5, byte[] pointName) {
        byte[] digest = md5.digest(pointName);
        int[] points = new int[POINTS_PER_DIGEST];
        for (int k = 0; k < POINTS_PER_DIGEST; k++) {
            int at = 4 * k;
            points[k] = (digest[at] & 0xff) | (digest[at + 1] & 0xff) << 8
                    | (digest[at + 2] & 0xff) << 16 | (digest[at + 3] & 0xff) << 24;
        }
        return points;
    }

    static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
