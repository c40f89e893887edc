package io.walnut.core;

import io.walnut.config.ListenAddress;
import io.walnut.config.PoolConfig;
import io.walnut.config.ProxyConfig;
import io.walnut.config.ServerSpec;
import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import io.walnut.proto.memcache.MemcacheProtocol;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import io.walnut.testing.TransportUnderTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An in-process proxy with a memcached pool in front of three real memcached servers, driven over raw sockets. */
class MemcacheSmokeIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final List<MemcachedProcess> SERVERS = new ArrayList<>();
    private static Proxy proxy;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        List<ServerSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MemcachedProcess m = MemcachedProcess.start("-m", "64", "-I", "2m");
            SERVERS.add(m);
            specs.add(new ServerSpec(i, "m" + (i + 1), "127.0.0.1", m.port(), null, 1,
                    "127.0.0.1:" + m.port() + ":1 m" + (i + 1)));
        }
        port = FreePorts.loopback();
        PoolConfig pool = new PoolConfig("beta",
                new ListenAddress("127.0.0.1:" + port, new InetSocketAddress("127.0.0.1", port), null, 0),
                HashFunction.FNV1A_64, null, DistributionType.KETAMA, -1, 512, 0, false, null, 0, false, false, 1,
                30000, 2, false, specs);
        Transport transport = TransportUnderTest.get();
        proxy = new Proxy(new ProxyConfig(null, List.of(pool)), transport, 2, WriteBatching.defaults(transport),
                16384, MemcacheProtocol::new);
        proxy.start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        SERVERS.forEach(MemcachedProcess::close);
    }

    @Test
    void storageRetrievalArithmeticDeleteTouchAndVersion() {
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            assertThat(c.call(T, "set foo 5 0 3\r\nbar\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.call(T, "get foo\r\n")).isEqualTo("VALUE foo 5 3\r\nbar\r\nEND\r\n");
            assertThat(c.call(T, "  get foo  \r\n")).isEqualTo("VALUE foo 5 3\r\nbar\r\nEND\r\n");
            String gets = c.call(T, "gets foo\r\n");
            assertThat(gets).startsWith("VALUE foo 5 3 ").endsWith("\r\nbar\r\nEND\r\n");
            String unique = gets.substring("VALUE foo 5 3 ".length(), gets.indexOf("\r\n"));
            assertThat(c.call(T, "add foo 0 0 1\r\nx\r\n")).isEqualTo("NOT_STORED\r\n");
            assertThat(c.call(T, "replace nothere 0 0 1\r\nx\r\n")).isEqualTo("NOT_STORED\r\n");
            assertThat(c.call(T, "append foo 0 0 2\r\n!!\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.call(T, "prepend foo 0 0 2\r\n<<\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.call(T, "cas foo 0 0 1 " + unique + "\r\nz\r\n")).isEqualTo("EXISTS\r\n");
            String fresh = c.call(T, "gets foo\r\n");
            String token = fresh.substring("VALUE foo 5 7 ".length(), fresh.indexOf("\r\n"));
            assertThat(c.call(T, "cas foo 1 0 1 " + token + "\r\nz\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.call(T, "get foo\r\n")).isEqualTo("VALUE foo 1 1\r\nz\r\nEND\r\n");
            assertThat(c.call(T, "set n 0 0 1\r\n5\r\n")).isEqualTo("STORED\r\n");
            assertThat(c.call(T, "incr n 10\r\n")).isEqualTo("15\r\n");
            assertThat(c.call(T, "decr n 3\r\n")).isEqualTo("12\r\n");
            assertThat(c.call(T, "incr nothere 1\r\n")).isEqualTo("NOT_FOUND\r\n");
            assertThat(c.call(T, "incr foo 1\r\n"))
                    .isEqualTo("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
            assertThat(c.call(T, "touch foo 100\r\n")).isEqualTo("TOUCHED\r\n");
            assertThat(c.call(T, "touch nothere 100\r\n")).isEqualTo("NOT_FOUND\r\n");
            assertThat(c.call(T, "delete foo\r\n")).isEqualTo("DELETED\r\n");
            assertThat(c.call(T, "delete foo\r\n")).isEqualTo("NOT_FOUND\r\n");
            assertThat(c.call(T, "version\r\n")).matches("VERSION \\d+\\.\\d+\\.\\d+\r\n");
        }
    }

    @Test
    void noreplyRequestsGetNoReplyAreAppliedAndKeepTheirOrder() {
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            c.send("set nr 0 0 1 noreply\r\n1\r\n" + "incr nr 5 noreply\r\n" + "append nr 0 0 1 noreply\r\n0\r\n"
                    + "touch nr 100 noreply\r\n" + "delete nr-other noreply\r\n" + "get nr\r\n");
            assertThat(c.readReply(T)).isEqualTo("VALUE nr 0 2\r\n60\r\nEND\r\n");
            c.send("delete nr noreply\r\nget nr\r\n");
            assertThat(c.readReply(T)).isEqualTo("END\r\n");
        }
    }

    @Test
    void pipelineOfTenThousandCommandsInOneWrite() {
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            String value = "v" + i;
            pipeline.append("set p:").append(i).append(" 0 0 ").append(value.length()).append("\r\n")
                    .append(value).append("\r\n");
            pipeline.append("get p:").append(i).append(' ').append("p:").append(i / 2).append("\r\n");
        }
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            c.send(pipeline.toString());
            for (int i = 0; i < 5000; i++) {
                assertThat(c.readReply(T)).as("set %d", i).isEqualTo("STORED\r\n");
                String expected = value("p:" + i, "v" + i) + value("p:" + i / 2, "v" + i / 2);
                assertThat(c.readReply(T)).as("get %d", i).isEqualTo(expected + "END\r\n");
            }
        }
    }

    @Test
    void oneMebibyteValues() {
        String big = "0123456789abcdef".repeat(65536);
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            for (int i = 0; i < 3; i++) {
                assertThat(c.call(T, "set big:" + i + " 0 0 " + big.length() + "\r\n" + big + "\r\n"))
                        .isEqualTo("STORED\r\n");
            }
            assertThat(c.call(T, "get big:0\r\n")).isEqualTo(value("big:0", big) + "END\r\n");
            assertThat(c.call(T, "get big:2 nothere big:0 big:1\r\n"))
                    .isEqualTo(value("big:2", big) + value("big:0", big) + value("big:1", big) + "END\r\n");
        }
    }

    @Test
    void multiGetOverAHundredKeysOnThreeServersAnswersInRequestOrder() {
        StringBuilder get = new StringBuilder("get");
        StringBuilder expected = new StringBuilder();
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            for (int i = 0; i < 120; i++) {
                String key = "mg:" + i + "-spread";
                get.append(' ').append(key);
                if (i % 3 != 1) {
                    assertThat(c.call(T, "set " + key + " 0 0 " + ("x" + i).length() + "\r\nx" + i + "\r\n"))
                            .isEqualTo("STORED\r\n");
                    expected.append(value(key, "x" + i));
                }
                if (i % 10 == 0) {
                    get.append(" mg:").append(i).append("-spread"); // a duplicate, missing or not
                    if (i % 3 != 1) {
                        expected.append(value(key, "x" + i));
                    }
                }
            }
            assertThat(c.call(T, get + "\r\n")).isEqualTo(expected + "END\r\n");
        }
        for (MemcachedProcess server : SERVERS) {
            try (MemcacheClient direct = MemcacheClient.connect(server.port())) {
                assertThat(direct.call(T, get + "\r\n")).as("server %d holds some keys", server.port())
                        .startsWith("VALUE ");
            }
        }
    }

    @Test
    void aBadRequestIsAnsweredAndTheNextOneServed() {
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            assertThat(c.call(T, "set ok 0 0 2\r\nok\r\n")).isEqualTo("STORED\r\n");
            c.send("GET ok\r\nget ok\r\n" + "set bad 0 -1 1\r\nx\r\nget ok\r\n" + "stats\r\nget ok\r\n");
            assertThat(c.readReply(T)).isEqualTo("ERROR\r\n");
            assertThat(c.readReply(T)).isEqualTo(value("ok", "ok") + "END\r\n");
            assertThat(c.readReply(T)).startsWith("CLIENT_ERROR bad exptime");
            assertThat(c.readReply(T)).isEqualTo(value("ok", "ok") + "END\r\n");
            assertThat(c.readReply(T)).isEqualTo("ERROR\r\n");
            assertThat(c.readReply(T)).isEqualTo(value("ok", "ok") + "END\r\n");
        }
    }

    @Test
    void aBrokenStreamIsAnsweredThenClosed() {
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            c.send("set ok2 0 0 2\r\nok\r\nset x 0 0 2\r\nxyz\r\nget ok2\r\n");
            assertThat(c.readReply(T)).isEqualTo("STORED\r\n");
            assertThat(c.readReply(T)).startsWith("CLIENT_ERROR bad data chunk");
            assertThat(c.closesWithin(T)).isTrue();
        }
    }

    @Test
    void quitAnswersWhatCameBeforeThenCloses() {
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            c.send("set q 0 0 1\r\n1\r\nget q\r\nquit\r\nget q\r\n");
            assertThat(c.readReply(T)).isEqualTo("STORED\r\n");
            assertThat(c.readReply(T)).isEqualTo(value("q", "1") + "END\r\n");
            assertThat(c.closesWithin(T)).isTrue();
        }
    }

    private static String value(String key, String data) {
        return "VALUE " + key + " 0 " + data.length() + "\r\n" + data + "\r\n";
    }
}
