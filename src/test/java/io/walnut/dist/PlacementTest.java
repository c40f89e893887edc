package io.walnut.dist;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Placement against nutcracker's recorded choices (reference 7.5) and the dispatch rules of 6.1. */
class PlacementTest {
    private static final List<ServerSpec> THREE = Servers.loopback(27301, 27302, 27303);
    private static final HashTag BRACES = new HashTag((byte) '{', (byte) '}');

    @Test
    void agreesWithNutcrackerOnAll2000KetamaFnv1a64Keys() throws IOException {
        Placement placement = Placement.of(HashFunction.FNV1A_64, null, DistributionType.KETAMA, THREE);
        assertThat(mismatches(placement, "placement-ketama-fnv1a64.tsv")).isZero();
    }

    @Test
    void agreesWithNutcrackerOnAll2000ModulaMd5Keys() throws IOException {
        Placement placement = Placement.of(HashFunction.MD5, null, DistributionType.MODULA, THREE);
        assertThat(mismatches(placement, "placement-modula-md5.tsv")).isZero();
    }

    @Test
    void oneServerPoolsAnswerZeroWithoutLookingAtTheKey() {
        List<ServerSpec> one = Servers.loopback(27301);
        for (DistributionType type : DistributionType.values()) {
            assertThat(Placement.of(HashFunction.MD5, BRACES, type, one).serverIndex(bytes("{x}"))).isZero();
            assertThat(Placement.of(HashFunction.MD5, null, type, one, new BitSet()).serverIndex(bytes("k"))).isZero();
        }
    }

    @Test
    void emptyKeyHashesToZero() {
        Placement modula = Placement.of(HashFunction.FNV1A_32, null, DistributionType.MODULA, Servers.weighted(1, 1, 1));
        // fnv1a_32("") = 0x811c9dc5 is 1 mod 3, so server 0 shows the 0 rule applied.
        assertThat(modula.serverIndex(bytes(""))).isZero();
        Placement ketama = Placement.of(HashFunction.FNV1A_64, BRACES, DistributionType.KETAMA, THREE);
        assertThat(ketama.serverIndex(bytes(""))).isEqualTo(Ketama.over(THREE).select(0));
    }

    @Test
    void hashTagPicksTheTaggedPart() {
        Placement placement = Placement.of(HashFunction.MD5, BRACES, DistributionType.MODULA, THREE);
        Placement untagged = Placement.of(HashFunction.MD5, null, DistributionType.MODULA, THREE);
        for (int i = 0; i < 200; i++) {
            assertThat(placement.serverIndex(bytes("a:{user" + i + "}:b"))).isEqualTo(untagged.serverIndex(bytes("user" + i)));
            assertThat(placement.serverIndex(bytes("a{}" + i))).isEqualTo(untagged.serverIndex(bytes("a{}" + i)));
        }
    }

    @Test
    void readsTheKeyInPlaceInsideALargerBuffer() {
        Placement placement = Placement.of(HashFunction.MURMUR, BRACES, DistributionType.KETAMA, THREE);
        ByteBuf buf = Unpooled.directBuffer().writeBytes(bytes("*2\r\n$3\r\nGET\r\n$9\r\nkey:{abc}\r\n"));
        try {
            assertThat(placement.serverIndex(buf, 17, 9)).isEqualTo(placement.serverIndex(bytes("abc")));
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    @Test
    void ejectionRebuildsFromTheLiveServersOnly() {
        List<ServerSpec> servers = Servers.weighted(1, 2, 3);
        Placement all = Placement.of(HashFunction.FNV1A_64, null, DistributionType.KETAMA, servers);
        BitSet withoutHeaviest = new BitSet();
        withoutHeaviest.set(0, 2);
        Placement ejected = all.withLive(withoutHeaviest);
        assertThat(ejected.liveCount()).isEqualTo(2);
        assertThat(ejected.isLive(2)).isFalse();
        Ketama survivors = Ketama.over(servers.subList(0, 2));
        int moved = 0;
        for (int i = 0; i < 1500; i++) {
            byte[] key = bytes("key:" + i);
            int after = ejected.serverIndex(key);
            assertThat(after).isEqualTo(survivors.select(HashFunction.FNV1A_64.hash(key))).isNotEqualTo(2);
            int before = all.serverIndex(key);
            moved += before != 2 && before != after ? 1 : 0;
        }
        assertThat(moved).as("keys on survivors move too, as point counts change").isPositive();
    }

    @Test
    void noLiveServerGivesNoServer() {
        Placement placement = Placement.of(HashFunction.MD5, null, DistributionType.KETAMA, THREE, new BitSet());
        assertThat(placement.liveCount()).isZero();
        assertThat(placement.serverIndex(bytes("k"))).isEqualTo(Placement.NO_SERVER);
    }

    @Test
    void randomPicksOnlyLiveServersAndEventuallyEach() {
        BitSet live = new BitSet();
        live.set(0);
        live.set(2);
        Placement placement = Placement.of(HashFunction.MD5, null, DistributionType.RANDOM, THREE, live);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(placement.serverIndex(bytes("same")));
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 2);
    }

    @Test
    void refusesServersOutOfIndexOrder() {
        List<ServerSpec> swapped = List.of(THREE.get(1), THREE.get(0));
        assertThatThrownBy(() -> Placement.of(HashFunction.MD5, null, DistributionType.MODULA, swapped))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int mismatches(Placement placement, String resource) throws IOException {
        int lines = 0;
        int mismatches = 0;
        try (InputStream in = PlacementTest.class.getResourceAsStream("/placement/" + resource);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] keyAndServer = line.split("\t");
                String predicted = THREE.get(placement.serverIndex(bytes(keyAndServer[0]))).name();
                mismatches += predicted.equals(keyAndServer[1]) ? 0 : 1;
                lines++;
            }
        }
        assertThat(lines).isEqualTo(2000);
        return mismatches;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
