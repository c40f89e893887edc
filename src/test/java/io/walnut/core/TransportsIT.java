package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.testing.Bytes;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import io.walnut.testing.UnixSocketClient;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every socket layer ({@code --transport}) carries the same traffic to real servers: pipelined requests and
 * multi-key requests split over two servers, a server reached over a unix socket, a client over a unix socket
 * listener, and the batch window's held writes. A transport this machine cannot run (io_uring where the kernel
 * refuses it) is skipped, with the reason.
 */
class TransportsIT {
    private static final Duration T = Duration.ofSeconds(20);
    private static final int KEYS = 200;

    private static void assumeAvailable(Transport transport) {
        assumeTrue(transport.isAvailable(),
                () -> transport.displayName() + " is not available here: " + transport.unavailabilityCause());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void redisOverTcpAndUnixSockets(Transport transport, @TempDir Path dir) throws Exception {
        assumeAvailable(transport);
        Path listener = dir.resolve("walnut.sock");
        try (RedisServerProcess overTcp = RedisServerProcess.start();
             RedisServerProcess overUnix = RedisServerProcess.builder().unixSocket().start();
             ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("alpha", FreePorts.loopback(), List.of(),
                     List.of("127.0.0.1:" + overTcp.port() + ":1 s1", overUnix.unixSocket() + ":1 s2")),
                     transport, 1, ProxyUnderTest.batchWindow(0));
             RespClient client = RespClient.connect(proxy.port())) {
            List<byte[]> pipeline = new ArrayList<>();
            List<String> mget = new ArrayList<>(List.of("MGET"));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                pipeline.add(RespClient.encode(bytes("SET"), bytes("k" + i), bytes("v" + i)));
                mget.add("k" + i);
                expected.add("v" + i);
            }
            client.send(Bytes.concat(pipeline.toArray(byte[][]::new)));
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.readReply(T)).as("SET k%d", i).isEqualTo("OK");
            }
            List<String> values = new ArrayList<>();
            for (Object v : (List<?>) client.call(T, mget.toArray(String[]::new))) {
                values.add(new String((byte[]) v, StandardCharsets.UTF_8));
            }
            assertThat(values).isEqualTo(expected);

            Placement placement = proxy.placement();
            try (Jedis s1 = RedisBackends.jedis(overTcp.port()); Jedis s2 = RedisBackends.jedis(overUnix.port())) {
                for (int i = 0; i < KEYS; i++) {
                    boolean onFirst = placement.serverIndex(bytes("k" + i)) == proxy.serverOnPort(overTcp.port());
                    assertThat((onFirst ? s1 : s2).get("k" + i)).as("k%d where placement puts it", i)
                            .isEqualTo("v" + i);
                }
            }
        }
        try (RedisServerProcess server = RedisServerProcess.start();
             ProxyUnderTest proxy = ProxyUnderTest.start("beta:\n  listen: " + listener + "\n  redis: true\n"
                     + "  servers:\n   - 127.0.0.1:" + server.port() + ":1\n", transport, 1,
                     ProxyUnderTest.batchWindow(0))) {
            byte[] replies = UnixSocketClient.exchangeUntilClose(listener, Bytes.concat(
                    RespClient.encode(bytes("SET"), bytes("u"), bytes("1")),
                    RespClient.encode(bytes("GET"), bytes("u")), RespClient.encode(bytes("QUIT"))), T);
            assertThat(new String(replies, StandardCharsets.UTF_8)).isEqualTo("+OK\r\n$1\r\n1\r\n+OK\r\n");
        }
    }

    /** 32 clients, so that the batch window holds server writes; every reply still reaches its own client. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void memcachedWithTheBatchWindowHolding(Transport transport) throws Exception {
        assumeAvailable(transport);
        try (MemcachedProcess m1 = MemcachedProcess.start(); MemcachedProcess m2 = MemcachedProcess.start();
             ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("gamma", FreePorts.loopback(),
                     List.of(), List.of("127.0.0.1:" + m1.port() + ":1 m1", "127.0.0.1:" + m2.port() + ":1 m2")),
                     transport, 1, ProxyUnderTest.batchWindow(1000))) {
            List<MemcacheClient> clients = new ArrayList<>();
            try {
                for (int c = 0; c < 32; c++) {
                    clients.add(MemcacheClient.connect(proxy.port()));
                }
                for (int round = 0; round < 5; round++) {
                    for (int c = 0; c < clients.size(); c++) {
                        String v = c + "." + round;
                        clients.get(c).send("set c" + c + " 0 0 " + v.length() + "\r\n" + v + "\r\n"
                                + "get c" + c + " c" + (c + 1) % clients.size() + " nothere\r\n");
                    }
                    for (int c = 0; c < clients.size(); c++) {
                        String v = c + "." + round;
                        assertThat(clients.get(c).readReply(T)).isEqualTo("STORED\r\n");
                        assertThat(clients.get(c).readReply(T)).as("client %d, round %d", c, round)
                                .startsWith("VALUE c" + c + " 0 " + v.length() + "\r\n" + v + "\r\n")
                                .endsWith("END\r\n");
                    }
                }
            } finally {
                clients.forEach(MemcacheClient::close);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
