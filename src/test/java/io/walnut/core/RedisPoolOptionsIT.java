package io.walnut.core;

import io.walnut.testing.Await;
import io.walnut.testing.Bytes;
import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import io.walnut.testing.UnixSocketClient;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pool settings, each with a Walnut of its own: unix socket listener and server, {@code redis_auth},
 * {@code redis_db} (also together, where twemproxy loses the SELECT), {@code server_connections},
 * {@code preconnect} and {@code client_connections}. Backends are checked directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// The proxies are resources held open for the body of each try.
@SuppressWarnings("try")
class RedisPoolOptionsIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final String PASSWORD = "s3cret";

    private RedisBackends backends;

    @BeforeAll
    void start() {
        backends = RedisBackends.start(3);
    }

    @AfterAll
    void stop() {
        backends.close();
    }

    /** A redis pool listening on 127.0.0.1:{@code port} with more settings, then the servers block. */
    private static String pool(int port, String settings, String servers) {
        return "alpha:\n  listen: 127.0.0.1:" + port + "\n  hash: fnv1a_64\n  distribution: ketama\n  redis: true\n"
                + settings + servers;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unixSocketListenerWithPermissions(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("walnut.sock");
        String yaml = "alpha:\n  listen: " + socket + " 0600\n  redis: true\n" + backends.serversYaml();
        try (InProcessWalnut walnut = InProcessWalnut.start(yaml)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            byte[] requests = Bytes.concat(
                    RespClient.encode(bytes("SET"), bytes("over-unix"), bytes("v\r\n1")),
                    RespClient.encode(bytes("GET"), bytes("over-unix")), RespClient.encode(bytes("PING")),
                    RespClient.encode(bytes("QUIT")));
            byte[] expected = bytes("+OK\r\n$4\r\nv\r\n1\r\n+PONG\r\n+OK\r\n");
            byte[] replies = UnixSocketClient.exchangeUntilClose(socket, requests, T);
            assertThat(new String(replies, StandardCharsets.ISO_8859_1))
                    .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
        }
        int holders = 0;
        for (int i = 0; i < backends.size(); i++) {
            try (Jedis direct = backends.direct(i)) {
                holders += "v\r\n1".equals(direct.get("over-unix")) ? 1 : 0;
            }
        }
        assertThat(holders).isEqualTo(1);
    }

    @Test
    void unixSocketServer() {
        int port = FreePorts.loopback();
        try (RedisServerProcess redis = RedisServerProcess.builder().unixSocket().start();
             InProcessWalnut walnut = InProcessWalnut.start(pool(port, "",
                     "  servers:\n   - " + redis.unixSocket() + ":1\n"));
             Jedis proxied = RedisBackends.jedis(port);
             Jedis direct = RedisBackends.jedis(redis.port())) {
            assertThat(proxied.set("via-unix", "yes")).isEqualTo("OK");
            assertThat(proxied.mset("u1", "1", "u2", "2")).isEqualTo("OK");
            assertThat(proxied.mget("via-unix", "u2", "u1")).containsExactly("yes", "2", "1");
            assertThat(direct.get("via-unix")).isEqualTo("yes");
            assertThat(direct.get("u2")).isEqualTo("2");
        }
    }

    @Test
    void redisAuthGatesClientsAndAuthenticatesServers() {
        int port = FreePorts.loopback();
        try (RedisServerProcess r1 = RedisServerProcess.builder().password(PASSWORD).start();
             RedisServerProcess r2 = RedisServerProcess.builder().password(PASSWORD).start();
             InProcessWalnut walnut = InProcessWalnut.start(pool(port, "  redis_auth: " + PASSWORD + "\n",
                     "  servers:\n   - 127.0.0.1:" + r1.port() + ":1 s1\n   - 127.0.0.1:" + r2.port() + ":1 s2\n"));
             RespClient c = RespClient.connect(port)) {
            assertThat(c.send("GET", "k").readRawReply(T)).isEqualTo(bytes("-NOAUTH Authentication required\r\n"));
            assertThat(c.send("PING").readRawReply(T)).isEqualTo(bytes("-NOAUTH Authentication required\r\n"));
            assertThat(c.send("AUTH", "wrong").readRawReply(T)).isEqualTo(bytes("-ERR invalid password\r\n"));
            assertThat(c.send("AUTH", PASSWORD).readRawReply(T)).isEqualTo(bytes("+OK\r\n"));
            for (int i = 0; i < 20; i++) {
                assertThat(c.call(T, "SET", "auth:" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(c.call(T, "MGET", "auth:0", "auth:19")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
            assertThat(c.send("PING").readRawReply(T)).isEqualTo(bytes("+PONG\r\n"));
            // A wrong password takes the authentication back.
            assertThat(c.send("AUTH", "wrong").readRawReply(T)).isEqualTo(bytes("-ERR invalid password\r\n"));
            assertThat(c.send("GET", "auth:0").readRawReply(T)).isEqualTo(bytes("-NOAUTH Authentication required\r\n"));

            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                    .password(PASSWORD).autoNegotiateProtocol(false).timeoutMillis(5000)
                    .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build())) {
                assertThat(jedis.get("auth:7")).isEqualTo("v7");
            }
            int found = 0;
            for (RedisServerProcess r : new RedisServerProcess[] {r1, r2}) {
                try (RespClient direct = RespClient.connect(r.port())) {
                    assertThat(direct.call(T, "AUTH", PASSWORD)).isEqualTo("OK");
                    found += ((Long) direct.call(T, "DBSIZE")).intValue();
                }
            }
            assertThat(found).isEqualTo(20);
        }
    }

    @Test
    void redisDbPutsTheDataInThatDatabase() {
        int port = FreePorts.loopback();
        try (InProcessWalnut walnut = InProcessWalnut.start(pool(port, "  redis_db: 3\n", backends.serversYaml()));
             Jedis proxied = RedisBackends.jedis(port)) {
            for (int i = 0; i < 30; i++) {
                assertThat(proxied.set("db3:" + i, "v" + i)).isEqualTo("OK");
            }
            assertThat(proxied.mget("db3:0", "db3:29")).containsExactly("v0", "v29");
        }
        long inDb3 = 0;
        for (int i = 0; i < backends.size(); i++) {
            try (Jedis direct = backends.direct(i)) {
                assertThat(direct.keys("db3:*")).as("db 0 of backend %d", i).isEmpty();
                direct.select(3);
                inDb3 += direct.keys("db3:*").size();
            }
        }
        assertThat(inDb3).isEqualTo(30);
    }

    /** twemproxy sends SELECT before AUTH here and the data lands in db 0 (its issue #491); Walnut authenticates first. */
    @Test
    void redisDbWithRedisAuth() {
        int port = FreePorts.loopback();
        try (RedisServerProcess r = RedisServerProcess.builder().password(PASSWORD).start();
             InProcessWalnut walnut = InProcessWalnut.start(pool(port,
                     "  redis_auth: " + PASSWORD + "\n  redis_db: 2\n", "  servers:\n   - 127.0.0.1:" + r.port() + ":1\n"));
             RespClient c = RespClient.connect(port);
             RespClient direct = RespClient.connect(r.port())) {
            assertThat(c.call(T, "AUTH", PASSWORD)).isEqualTo("OK");
            assertThat(c.call(T, "SET", "in-db-2", "yes")).isEqualTo("OK");
            assertThat(direct.call(T, "AUTH", PASSWORD)).isEqualTo("OK");
            assertThat(direct.call(T, "EXISTS", "in-db-2")).isEqualTo(0L);
            assertThat(direct.call(T, "SELECT", "2")).isEqualTo("OK");
            assertThat((byte[]) direct.call(T, "GET", "in-db-2")).isEqualTo(bytes("yes"));
        }
    }

    @Test
    void serverConnectionsOpensThatManyPerServer() {
        int port = FreePorts.loopback();
        try (RedisServerProcess r = RedisServerProcess.start();
             InProcessWalnut walnut = InProcessWalnut.start(pool(port, "  server_connections: 3\n",
                     "  servers:\n   - 127.0.0.1:" + r.port() + ":1\n"));
             RespClient c = RespClient.connect(port);
             Jedis direct = RedisBackends.jedis(r.port())) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 100; i++) {
                    c.send("SET", "conn:" + i, "v" + round + "-" + i);
                }
                for (int i = 0; i < 100; i++) {
                    assertThat(c.readReply(T)).isEqualTo("OK");
                }
                // Pipelined requests may take different connections: read only once every write is answered.
                for (int i = 0; i < 100; i++) {
                    c.send("GET", "conn:" + i);
                }
                for (int i = 0; i < 100; i++) {
                    assertThat((byte[]) c.readReply(T)).isEqualTo(bytes("v" + round + "-" + i));
                }
            }
            // One line per connection: the proxy's three and this one.
            assertThat(direct.clientList().split("\n")).hasSize(4);
        }
    }

    @Test
    void preconnectConnectsBeforeAnyRequest() {
        int port = FreePorts.loopback();
        try (RedisBackends fresh = RedisBackends.start(2);
             Jedis d1 = fresh.direct(0);
             Jedis d2 = fresh.direct(1);
             InProcessWalnut walnut = InProcessWalnut.start(pool(port, "  preconnect: true\n", fresh.serversYaml()))) {
            Await.until(T, () -> d1.clientList().split("\n").length == 2 && d2.clientList().split("\n").length == 2,
                    "each backend sees the proxy's connection and this one");
            try (Jedis proxied = RedisBackends.jedis(port)) {
                assertThat(proxied.set("pre", "connected")).isEqualTo("OK");
                assertThat(proxied.get("pre")).isEqualTo("connected");
            }
            assertThat(d1.clientList().split("\n").length + d2.clientList().split("\n").length).isEqualTo(4);
        }
    }

    @Test
    void clientConnectionsLimitsClients() {
        int port = FreePorts.loopback();
        try (InProcessWalnut walnut = InProcessWalnut.start(pool(port, "  client_connections: 2\n",
                backends.serversYaml()));
             RespClient first = RespClient.connect(port);
             RespClient second = RespClient.connect(port)) {
            assertThat(first.call(T, "PING")).isEqualTo("PONG");
            assertThat(second.call(T, "PING")).isEqualTo("PONG");
            try (RespClient third = RespClient.connect(port)) {
                assertThat(third.readRawReply(T)).isEqualTo(bytes("-ERR max number of clients reached\r\n"));
                third.awaitClose(T);
            }
            assertThat(first.call(T, "SET", "limited", "still served")).isEqualTo("OK");
            first.close();
            // The slot frees once the proxy has seen the close, which happens on its own thread.
            Await.until(T, () -> {
                try (RespClient next = RespClient.connect(port)) {
                    return "PONG".equals(next.call(T, "PING"));
                } catch (RuntimeException refused) {
                    return false;
                }
            }, "a new client is admitted once one has left");
            assertThat((byte[]) second.call(T, "GET", "limited")).isEqualTo(bytes("still served"));
        }
    }
}
