package io.walnut.dist;

import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ketama vectors of the reference's section 7.1. */
class KetamaTest {
    private static final List<ServerSpec> THREE = Servers.loopback(27301, 27302, 27303);

    @Test
    void fourLittleEndianPointsPerDigest() {
        int[] points = Ketama.pointsOfDigest(Ketama.newMd5(), "127.0.0.1:27301-0".getBytes(StandardCharsets.US_ASCII));
        assertThat(points).containsExactly((int) 2629246224L, 977148996, 986314709, (int) 2180391569L);
    }

    @Test
    void threeEqualServersMakeA480PointContinuum() {
        Ketama ketama = Ketama.over(THREE);
        assertThat(ketama.pointCount()).isEqualTo(480);
        assertThat(ketama.pointValue(0)).isEqualTo(10216947L);
        assertThat(ketama.pointOwner(0)).isEqualTo(1);
        assertThat(ketama.pointValue(479)).isEqualTo(4277200178L);
        assertThat(ketama.pointOwner(479)).isEqualTo(2);
        for (int i = 1; i < 480; i++) {
            assertThat(ketama.pointValue(i)).isGreaterThanOrEqualTo(ketama.pointValue(i - 1));
        }
    }

    @Test
    void dispatchExamples() {
        Ketama ketama = Ketama.over(THREE);
        assertThat(fnv1a64("key:0")).isEqualTo((int) 2519685398L);
        assertThat(fnv1a64("key:10")).isEqualTo(846697755);
        assertThat(fnv1a64("key:400")).isEqualTo((int) 3476138450L);
        assertThat(ketama.select(fnv1a64("key:0"))).isEqualTo(2);
        assertThat(ketama.select(fnv1a64("key:10"))).isEqualTo(0);
        assertThat(ketama.select(fnv1a64("key:400"))).isEqualTo(1);
        assertThat(ketama.select(fnv1a64("foo"))).isEqualTo(2);
    }

    @Test
    void lowerBoundSearchWithWrap() {
        Ketama ketama = Ketama.over(THREE);
        assertThat(ketama.select(0)).isEqualTo(1);
        assertThat(ketama.select(10216947)).isEqualTo(1);
        assertThat(ketama.select((int) 4277200178L)).isEqualTo(2);
        assertThat(ketama.select((int) 4277200179L)).as("past the last point wraps").isEqualTo(1);
        assertThat(ketama.select(-1)).isEqualTo(1);
        long second = ketama.pointValue(1);
        assertThat(ketama.select((int) (ketama.pointValue(0) + 1))).isEqualTo(ketama.pointOwner(1));
        assertThat(ketama.select((int) second)).isEqualTo(ketama.pointOwner(1));
    }

    @Test
    void bucketIndexFindsWhatBisectionFinds() {
        SplittableRandom random = new SplittableRandom(7);
        for (int[] weights : new int[][] {{1}, {1, 1}, {1, 2, 3}, {100000, 1}, new int[100]}) {
            if (weights.length == 100) {
                Arrays.fill(weights, 1);
            }
            Ketama ketama = Ketama.over(Servers.weighted(weights));
            List<Integer> hashes = new ArrayList<>(List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
            for (int i = 0; i < ketama.pointCount(); i++) {
                int point = (int) ketama.pointValue(i);
                hashes.addAll(List.of(point - 1, point, point + 1));
            }
            for (int i = 0; i < 20000; i++) {
                hashes.add(random.nextInt());
            }
            for (int hash : hashes) {
                assertThat(ketama.select(hash)).as("hash %s over %s servers", Integer.toUnsignedString(hash),
                        weights.length).isEqualTo(bisect(ketama, hash));
            }
        }
    }

    /** The owner of the first point at or above {@code hash}, wrapping: the definition, by bisection. */
    private static int bisect(Ketama ketama, int hash) {
        long target = Integer.toUnsignedLong(hash);
        int low = 0;
        int high = ketama.pointCount();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (ketama.pointValue(middle) < target) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return ketama.pointOwner(low == ketama.pointCount() ? 0 : low);
    }

    @Test
    void weightedPointCounts() {
        assertThat(pointCounts(1, 2, 3)).containsExactly(80, 160, 240);
        assertThat(pointCounts(1, 1, 2)).containsExactly(120, 120, 240);
        assertThat(pointCounts(100000, 1)).containsExactly(316, 0);
    }

    @Test
    void lightServerWithoutPointsNeverReceivesKeys() {
        Ketama ketama = Ketama.over(Servers.weighted(100000, 1));
        assertThat(ketama.pointCount()).isEqualTo(316);
        for (int i = 0; i < ketama.pointCount(); i++) {
            assertThat(ketama.pointOwner(i)).isZero();
        }
    }

    @Test
    void float32RoundingGives156PointsForSomeServerCounts() {
        Set<Integer> counts156 = Set.of(25, 47, 50, 55, 61, 71, 94, 100, 107, 109, 110, 115, 122, 142, 159, 163,
                188, 193, 200, 209, 214, 218, 219, 220, 230, 237, 243, 244);
        for (int nlive = 1; nlive <= 256; nlive++) {
            int expected = counts156.contains(nlive) ? 156 : 160;
            assertThat(Ketama.pointsPerServer(1, nlive, nlive)).as("nlive %d", nlive).isEqualTo(expected);
        }
    }

    @Test
    void ejectingTheHeaviestOfWeights123RebuildsFromTheSurvivors() {
        List<ServerSpec> servers = Servers.weighted(1, 2, 3);
        Ketama survivors = Ketama.over(servers.subList(0, 2));
        assertThat(survivors.pointCount()).isEqualTo(104 + 212);
        assertThat(countOwnedBy(survivors, 0)).isEqualTo(104);
        assertThat(countOwnedBy(survivors, 1)).isEqualTo(212);
    }

    @Test
    void ownersAreTheFullListIndexesOfTheLiveServers() {
        List<ServerSpec> servers = Servers.weighted(1, 1, 1, 1);
        Ketama ketama = Ketama.over(List.of(servers.get(1), servers.get(3)));
        assertThat(countOwnedBy(ketama, 1) + countOwnedBy(ketama, 3)).isEqualTo(ketama.pointCount());
        assertThat(countOwnedBy(ketama, 1)).isEqualTo(160);
    }

    @Test
    void longNamesAreTruncatedAsTwemproxysPointBuffer() {
        String name = "h".repeat(300);
        assertThat(Ketama.pointName(name, 7)).hasSize(272);
        assertThat(Ketama.pointName("server1", 12)).isEqualTo("server1-12".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void refusesAnEmptyServerList() {
        assertThatThrownBy(() -> Ketama.over(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Integer> pointCounts(int... weights) {
        long total = 0;
        for (int weight : weights) {
            total += weight;
        }
        List<Integer> counts = new ArrayList<>();
        for (int weight : weights) {
            counts.add(Ketama.pointsPerServer(weight, total, weights.length));
        }
        Ketama ketama = Ketama.over(Servers.weighted(weights));
        for (int s = 0; s < weights.length; s++) {
            assertThat(countOwnedBy(ketama, s)).isEqualTo(counts.get(s));
        }
        return counts;
    }

    private static int countOwnedBy(Ketama ketama, int server) {
        int count = 0;
        for (int i = 0; i < ketama.pointCount(); i++) {
            count += ketama.pointOwner(i) == server ? 1 : 0;
        }
        return count;
    }

    private static int fnv1a64(String key) {
        return HashFunction.FNV1A_64.hash(key.getBytes(StandardCharsets.UTF_8));
    }
}
