package io.walnut.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The process fixtures start real servers that answer, and stop them on close. */
class FixturesIT {
    private static final Duration REPLY_BOUND = Duration.ofSeconds(5);

    @Test
    void redisServerAnswersAndStopsOnClose() {
        RedisServerProcess redis = RedisServerProcess.start();
        try (RespClient client = RespClient.connect(redis.port())) {
            assertThat(client.send("PING").readRawReply(REPLY_BOUND)).isEqualTo("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.call(REPLY_BOUND, "SET", "k", "v")).isEqualTo("OK");
            assertThat((byte[]) client.call(REPLY_BOUND, "GET", "k")).isEqualTo(new byte[] {'v'});
            assertThat(client.call(REPLY_BOUND, "GET", "missing")).isNull();
            assertThat(client.call(REPLY_BOUND, "INCR", "n")).isEqualTo(1L);
        } finally {
            redis.close();
        }
        assertThat(redis.isAlive()).isFalse();
        assertThat(redis.directory()).doesNotExist();
    }

    @Test
    void redisServerWithPasswordAndUnixSocket() {
        try (RedisServerProcess redis = RedisServerProcess.builder().password("secret").unixSocket().start();
             RespClient client = RespClient.connect(redis.port())) {
            assertThat(client.call(REPLY_BOUND, "GET", "k")).isInstanceOf(RespClient.Error.class);
            assertThat(client.call(REPLY_BOUND, "AUTH", "secret")).isEqualTo("OK");
            assertThat(Files.exists(redis.unixSocket())).isTrue();
        }
    }

    @Test
    void memcachedAnswers() throws IOException {
        try (MemcachedProcess memcached = MemcachedProcess.start();
             Socket socket = new Socket("127.0.0.1", memcached.port())) {
            socket.setSoTimeout((int) REPLY_BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(8);
            assertThat(new String(start, StandardCharsets.US_ASCII)).isEqualTo("VERSION ");
        }
    }

    @Test
    void nutcrackerForwardsToRedis() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int listen = FreePorts.loopback();
            String yaml = "pool:\n  listen: 127.0.0.1:" + listen + "\n  redis: true\n  servers:\n   - 127.0.0.1:"
                    + redis.port() + ":1\n";
            try (NutcrackerProcess nutcracker = NutcrackerProcess.start(yaml, listen);
                 RespClient client = RespClient.connect(listen)) {
                assertThat(client.call(REPLY_BOUND, "SET", "through", "proxy")).as(nutcracker.diagnostics()).isEqualTo("OK");
            }
            try (RespClient direct = RespClient.connect(redis.port())) {
                assertThat((byte[]) direct.call(REPLY_BOUND, "GET", "through")).isEqualTo("proxy".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void freePortsAreDistinct() {
        assertThat(FreePorts.loopback()).isNotEqualTo(FreePorts.loopback());
    }
}
