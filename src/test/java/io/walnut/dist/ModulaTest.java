package io.walnut.dist;

import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The modula rules of the reference's section 7.2. */
class ModulaTest {

    @Test
    void md5OfKey0Mod3IsTheSecondServer() {
        int hash = HashFunction.MD5.hash("key:0".getBytes(StandardCharsets.UTF_8));
        assertThat(Integer.toUnsignedLong(hash)).isEqualTo(2192279263L);
        assertThat(Modula.over(Servers.loopback(27301, 27302, 27303)).select(hash)).isEqualTo(1);
    }

    @Test
    void weightSlotsFollowIndexOrder() {
        Modula modula = Modula.over(Servers.weighted(3, 1, 2));
        assertThat(modula.slotCount()).isEqualTo(6);
        int[] expected = {0, 0, 0, 1, 2, 2};
        for (int hash = 0; hash < 24; hash++) {
            assertThat(modula.select(hash)).as("hash %d", hash).isEqualTo(expected[hash % 6]);
        }
    }

    @Test
    void hashIsTakenUnsigned() {
        Modula modula = Modula.over(Servers.weighted(1, 1, 1));
        assertThat(modula.select(-1)).isEqualTo((int) (0xffffffffL % 3));
        assertThat(modula.select(Integer.MIN_VALUE)).isEqualTo((int) (0x80000000L % 3));
    }

    @Test
    void liveServersOnlyKeepTheirFullIndexes() {
        List<ServerSpec> servers = Servers.weighted(1, 2, 1, 1);
        Modula modula = Modula.over(List.of(servers.get(1), servers.get(3)));
        assertThat(modula.slotCount()).isEqualTo(3);
        assertThat(modula.select(0)).isEqualTo(1);
        assertThat(modula.select(1)).isEqualTo(1);
        assertThat(modula.select(2)).isEqualTo(3);
    }

    @Test
    void hugeWeightsNeedNoSlotTable() {
        Modula modula = Modula.over(Servers.weighted(Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertThat(modula.slotCount()).isEqualTo(2L * Integer.MAX_VALUE);
        assertThat(modula.select((int) 3_000_000_000L)).isEqualTo(1);
        assertThat(modula.select(-1)).as("0xffffffff mod 0xfffffffe = 1").isEqualTo(0);
    }
}
