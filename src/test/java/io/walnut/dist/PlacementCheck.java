package io.walnut.dist;

import io.walnut.config.ServerSpec;
import io.walnut.testing.RespClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Compares where keys really are (read with {@code KEYS *} from each redis-server of a pool) with a {@link Placement}. */
final class PlacementCheck {
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);

    private PlacementCheck() {
    }

    /**
     * Asserts that {@code db} of the pool's live servers holds exactly {@code expectedKeys} keys in all, each on the
     * server {@code placement} names. The servers' redis-servers must listen on 127.0.0.1 at their spec's port.
     */
    static void assertEveryKeyWhereExpected(String pool, Placement placement, int db, int expectedKeys) {
        List<String> mismatches = new ArrayList<>();
        int found = 0;
        for (ServerSpec server : placement.servers()) {
            if (!placement.isLive(server.index())) {
                continue;
            }
            for (byte[] key : keysIn(server.port(), db)) {
                found++;
                int predicted = placement.serverIndex(key);
                if (predicted != server.index()) {
                    mismatches.add(RespClient.printable(key) + " is on " + server.name() + ", predicted "
                            + (predicted < 0 ? "none" : placement.servers().get(predicted).name()));
                }
            }
        }
        assertThat(mismatches.subList(0, Math.min(20, mismatches.size())))
                .as("pool %s: keys not where Placement predicts (%d of %d; the first 20 shown)", pool, mismatches.size(), found)
                .isEmpty();
        assertThat(found).as("pool %s: keys found on the backends", pool).isEqualTo(expectedKeys);
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> keysIn(int port, int db) {
        try (RespClient client = RespClient.connect(port)) {
            assertThat(client.call(REPLY_BOUND, "SELECT", Integer.toString(db))).isEqualTo("OK");
            List<byte[]> keys = new ArrayList<>();
            for (Object key : (List<Object>) client.call(REPLY_BOUND, "KEYS", "*")) {
                keys.add((byte[]) key);
            }
            return keys;
        }
    }
}
