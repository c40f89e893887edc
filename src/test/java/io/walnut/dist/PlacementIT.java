package io.walnut.dist;

import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;
import io.walnut.testing.FreePorts;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Placement against the real nutcracker: keys written through it to real redis-servers, then found with
 * {@code KEYS *} on each backend (one redis db per pool), must all sit where {@link Placement} says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacementIT {
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);
    private static final int BATCH = 200;

    /** One {@code servers:} entry: which redis, its weight, its explicit name or null. */
    private record Entry(int redis, int weight, String name) {
    }

    private record Pool(String name, HashFunction hash, DistributionType type, String hashTag, int db,
                        List<Entry> entries) {
    }

    private static final List<Entry> FOUR_EQUAL = List.of(new Entry(2, 1, null), new Entry(0, 1, null),
            new Entry(3, 1, null), new Entry(1, 1, null));
    private static final List<Entry> NAMED = List.of(new Entry(0, 1, "zeta"), new Entry(1, 2, "alpha"),
            new Entry(2, 1, "server-three"), new Entry(3, 1, "b"));

    private static final List<Pool> POOLS = List.of(
            new Pool("k_fnv1a_64", HashFunction.FNV1A_64, DistributionType.KETAMA, null, 1,
                    List.of(new Entry(2, 3, null), new Entry(0, 1, null), new Entry(1, 2, null))),
            new Pool("k_md5", HashFunction.MD5, DistributionType.KETAMA, "{}", 2, NAMED),
            new Pool("k_murmur", HashFunction.MURMUR, DistributionType.KETAMA, null, 3, FOUR_EQUAL),
            new Pool("k_hsieh", HashFunction.HSIEH, DistributionType.KETAMA, "$$", 4,
                    List.of(new Entry(0, 2, null), new Entry(1, 1, null), new Entry(2, 1, null))),
            new Pool("k_jenkins", HashFunction.JENKINS, DistributionType.KETAMA, null, 5,
                    List.of(new Entry(3, 5, null), new Entry(1, 1, "one"))),
            new Pool("k_one_at_a_time", HashFunction.ONE_AT_A_TIME, DistributionType.KETAMA, null, 6, FOUR_EQUAL),
            new Pool("m_crc16", HashFunction.CRC16, DistributionType.MODULA, null, 7, FOUR_EQUAL),
            new Pool("m_crc32", HashFunction.CRC32, DistributionType.MODULA, null, 8,
                    List.of(new Entry(0, 1, null), new Entry(1, 1, null), new Entry(2, 1, null))),
            new Pool("m_crc32a", HashFunction.CRC32A, DistributionType.MODULA, null, 9,
                    List.of(new Entry(0, 3, null), new Entry(1, 1, null), new Entry(2, 2, null))),
            new Pool("m_fnv1_64", HashFunction.FNV1_64, DistributionType.MODULA, "{}", 10,
                    List.of(new Entry(3, 1, null), new Entry(2, 3, null), new Entry(1, 2, null), new Entry(0, 1, null))),
            new Pool("m_fnv1_32", HashFunction.FNV1_32, DistributionType.MODULA, null, 11, NAMED),
            new Pool("m_fnv1a_32", HashFunction.FNV1A_32, DistributionType.MODULA, "$$", 12, FOUR_EQUAL),
            new Pool("m_md5", HashFunction.MD5, DistributionType.MODULA, null, 13, FOUR_EQUAL));

    private final List<RedisServerProcess> redises = new ArrayList<>();
    private final List<Integer> listenPorts = new ArrayList<>();
    private NutcrackerProcess nutcracker;

    @BeforeAll
    void startServersAndNutcracker() {
        for (int i = 0; i < 4; i++) {
            redises.add(RedisServerProcess.builder().args("--databases", "32").start());
        }
        StringBuilder yaml = new StringBuilder();
        for (Pool pool : POOLS) {
            int port = FreePorts.loopback();
            listenPorts.add(port);
            yaml.append(poolYaml(pool, port));
        }
        nutcracker = NutcrackerProcess.start(yaml.toString(), listenPorts.stream().mapToInt(Integer::intValue).toArray());
    }

    @AfterAll
    void stopEverything() {
        if (nutcracker != null) {
            nutcracker.close();
        }
        redises.forEach(RedisServerProcess::close);
    }

    @Test
    void poolsCoverEveryHashFunctionAndEnoughPerDistribution() {
        Set<HashFunction> all = EnumSet.noneOf(HashFunction.class);
        Set<HashFunction> ketama = EnumSet.noneOf(HashFunction.class);
        Set<HashFunction> modula = EnumSet.noneOf(HashFunction.class);
        for (Pool pool : POOLS) {
            all.add(pool.hash());
            (pool.type() == DistributionType.KETAMA ? ketama : modula).add(pool.hash());
        }
        assertThat(all).containsExactlyInAnyOrder(HashFunction.values());
        assertThat(ketama).hasSizeGreaterThanOrEqualTo(4);
        assertThat(modula).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void placementPredictsEveryKeyNutcrackerPlaced() {
        List<byte[]> keys = KeyCorpus.keys(20240601L);
        assertThat(keys).hasSizeGreaterThanOrEqualTo(2000);
        for (int p = 0; p < POOLS.size(); p++) {
            Pool pool = POOLS.get(p);
            writeThroughProxy(listenPorts.get(p), keys);
            List<ServerSpec> servers = sortedServers(pool.entries());
            Placement placement = Placement.of(pool.hash(), hashTag(pool.hashTag()), pool.type(), servers);
            PlacementCheck.assertEveryKeyWhereExpected(pool.name(), placement, pool.db(), keys.size());
        }
    }

    private void writeThroughProxy(int port, List<byte[]> keys) {
        try (RespClient client = RespClient.connect(port)) {
            for (int from = 0; from < keys.size(); from += BATCH) {
                List<byte[]> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
                for (byte[] key : batch) {
                    client.send("SET".getBytes(StandardCharsets.US_ASCII), key, new byte[] {'v'});
                }
                for (byte[] key : batch) {
                    assertThat(client.readReply(REPLY_BOUND))
                            .as("SET %s\n%s", RespClient.printable(key), nutcracker.diagnostics())
                            .isEqualTo("OK");
                }
            }
        }
    }

    private String poolYaml(Pool pool, int listenPort) {
        StringBuilder yaml = new StringBuilder()
                .append(pool.name()).append(":\n")
                .append("  listen: 127.0.0.1:").append(listenPort).append('\n')
                .append("  hash: ").append(pool.hash().configName()).append('\n')
                .append("  distribution: ").append(pool.type().configName()).append('\n')
                .append("  redis: true\n")
                .append("  redis_db: ").append(pool.db()).append('\n')
                .append("  timeout: 5000\n");
        if (pool.hashTag() != null) {
            yaml.append("  hash_tag: \"").append(pool.hashTag()).append("\"\n");
        }
        yaml.append("  servers:\n");
        for (Entry entry : pool.entries()) {
            yaml.append("   - 127.0.0.1:").append(redises.get(entry.redis()).port()).append(':').append(entry.weight());
            yaml.append(entry.name() == null ? "" : " " + entry.name()).append('\n');
        }
        return yaml.toString();
    }

    /** The entries as twemproxy orders them (shorter names first, then bytewise), indexed in that order. */
    private List<ServerSpec> sortedServers(List<Entry> entries) {
        List<ServerSpec> unsorted = new ArrayList<>();
        for (Entry entry : entries) {
            int port = redises.get(entry.redis()).port();
            String address = "127.0.0.1:" + port;
            String name = entry.name() == null ? address : entry.name();
            unsorted.add(new ServerSpec(-1, name, "127.0.0.1", port, null, entry.weight(), address + ":" + entry.weight()));
        }
        unsorted.sort(Comparator.comparingInt((ServerSpec s) -> utf8(s.name()).length)
                .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.name()), utf8(b.name()))));
        List<ServerSpec> sorted = new ArrayList<>();
        for (ServerSpec s : unsorted) {
            sorted.add(new ServerSpec(sorted.size(), s.name(), s.host(), s.port(), null, s.weight(), s.text()));
        }
        return sorted;
    }

    private static HashTag hashTag(String tag) {
        return tag == null ? null : new HashTag((byte) tag.charAt(0), (byte) tag.charAt(1));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
