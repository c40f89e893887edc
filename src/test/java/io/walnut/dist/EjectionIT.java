package io.walnut.dist;

import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import io.walnut.testing.FreePorts;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After nutcracker ejects a dead server, keys go where a {@link Placement} built from the live servers only says
 * (reference 7.1, 7.4 and 8.2): with weights 1, 2, 3 and the weight-3 server dead, the survivors get 104 and 212
 * points, so some keys move between survivors too.
 */
class EjectionIT {
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);
    private static final int DB = 3;

    @Test
    void afterAnEjectionKeysFollowTheLiveOnlyContinuum() {
        try (RedisServerProcess light = RedisServerProcess.start(); RedisServerProcess middle = RedisServerProcess.start()) {
            int deadPort = FreePorts.loopback();
            int listen = FreePorts.loopback();
            List<ServerSpec> servers = sorted(List.of(spec("light", light.port(), 1), spec("middle", middle.port(), 2),
                    spec("heavy", deadPort, 3)));
            String yaml = "ejecting:\n  listen: 127.0.0.1:" + listen + "\n  hash: fnv1a_64\n  distribution: ketama\n"
                    + "  redis: true\n  redis_db: " + DB + "\n  timeout: 5000\n  auto_eject_hosts: true\n"
                    + "  server_failure_limit: 1\n  server_retry_timeout: 600000\n  servers:\n"
                    + servers.stream().map(s -> "   - " + s.text() + "\n").reduce("", String::concat);
            Placement allLive = Placement.of(HashFunction.FNV1A_64, null, DistributionType.KETAMA, servers);
            int heavy = servers.stream().filter(s -> s.port() == deadPort).findFirst().orElseThrow().index();
            BitSet survivors = new BitSet();
            survivors.set(0, 3);
            survivors.clear(heavy);
            Placement ejected = allLive.withLive(survivors);

            List<byte[]> keys = KeyCorpus.keys(7L);
            try (NutcrackerProcess nutcracker = NutcrackerProcess.start(yaml, listen);
                 RespClient client = RespClient.connect(listen)) {
                byte[] onDeadServer = keys.stream().filter(k -> allLive.serverIndex(k) == heavy).findFirst().orElseThrow();
                assertThat(client.send(bytes("GET"), onDeadServer).readReply(REPLY_BOUND))
                        .as(nutcracker.diagnostics()).isEqualTo(new RespClient.Error("ERR Connection refused"));
                for (byte[] key : keys) {
                    assertThat(client.send(bytes("SET"), key, bytes("v")).readReply(REPLY_BOUND))
                            .as("SET %s\n%s", RespClient.printable(key), nutcracker.diagnostics()).isEqualTo("OK");
                }
            }
            PlacementCheck.assertEveryKeyWhereExpected("ejecting", ejected, DB, keys.size());
            assertThat(keys.stream().filter(k -> allLive.serverIndex(k) != heavy)
                    .filter(k -> allLive.serverIndex(k) != ejected.serverIndex(k)).count())
                    .as("keys that moved between survivors").isPositive();
        }
    }

    private static ServerSpec spec(String name, int port, int weight) {
        return new ServerSpec(-1, name, "127.0.0.1", port, null, weight, "127.0.0.1:" + port + ":" + weight + " " + name);
    }

    /** Sorts as twemproxy does; these names are ASCII, so length then text order is its order. */
    private static List<ServerSpec> sorted(List<ServerSpec> specs) {
        List<ServerSpec> byName = new ArrayList<>(specs);
        byName.sort((a, b) -> a.name().length() != b.name().length()
                ? Integer.compare(a.name().length(), b.name().length()) : a.name().compareTo(b.name()));
        List<ServerSpec> indexed = new ArrayList<>();
        for (ServerSpec s : byName) {
            indexed.add(new ServerSpec(indexed.size(), s.name(), s.host(), s.port(), null, s.weight(), s.text()));
        }
        return indexed;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
