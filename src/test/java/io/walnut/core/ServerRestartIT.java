package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.walnut.core.ProxyUnderTest.err;
import static io.walnut.core.ProxyUnderTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * SIGKILL of a server under pipelined load from several clients, then a restart on the same port (reference 8.5):
 * every reply is its own request's or an error, never another key's; writes acknowledged by the servers that
 * lived are all there; after the paced retry the restarted server is used again.
 */
class ServerRestartIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;
    private static final int BATCH = 20;
    private static final Set<Object> ERRORS = Set.of(err("Connection refused"), err("unknown"),
            err("Connection reset by peer"), err("Broken pipe"));

    /** A SET the proxy acknowledged with {@code +OK}. */
    private record Ack(String key, String value) {
    }

    @Test
    void aServerKilledUnderLoadAndRestartedLosesNoOtherServersWrites() {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            try (LeakWatch leaks = new LeakWatch();
                 RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start();
                 RedisServerProcess victim = RedisServerProcess.start()) {
                int victimPort = victim.port();
                try (ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("restart", FreePorts.loopback(),
                        List.of("auto_eject_hosts: false", "server_retry_timeout: 200", "timeout: 3000"),
                        List.of("127.0.0.1:" + r1.port() + ":1 s1", "127.0.0.1:" + r2.port() + ":1 s2",
                                "127.0.0.1:" + victimPort + ":1 s3")), 2)) {
                    ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
                    ConcurrentLinkedQueue<Object> errors = new ConcurrentLinkedQueue<>();
                    int victimIndex = proxy.serverOnPort(victimPort);
                    String victimKey = ProxyUnderTest.keyOn(proxy.placement(), victimIndex, "probe:");
                    KillUnderLoad.run(CLIENTS, (client, stop) -> load(proxy.port(), client, stop, acks, errors), victim,
                            port -> RedisServerProcess.builder().port(port).start(), () -> awaitServed(proxy, victimKey));
                    assertThat(errors).as("the kill was felt").isNotEmpty();
                    assertThat(Set.copyOf(errors)).isSubsetOf(ERRORS);

                    Placement placement = proxy.placement();
                    List<String> lost = new ArrayList<>();
                    try (RespClient c = proxy.client()) {
                        for (Ack ack : acks) {
                            if (placement.serverIndex(ack.key.getBytes(StandardCharsets.UTF_8)) != victimIndex
                                    && !ack.value.equals(text(c.call(T, "GET", ack.key)))) {
                                lost.add(ack.key);
                            }
                        }
                    }
                    assertThat(lost).as("acknowledged writes on servers that lived, of %d", acks.size()).isEmpty();
                    leaks.assertNoLeakReported();
                }
            }
        });
    }

    /**
     * One client until {@code stop}: batches of SETs then GETs of the same keys, pipelined. Each reply is its own
     * request's (a GET may also find nothing, when its SET failed or its server lost it) or a proxy error.
     * Returns how many batches in a row, at the end, had no error.
     */
    private static int load(int port, int client, AtomicBoolean stop, ConcurrentLinkedQueue<Ack> acks,
                            ConcurrentLinkedQueue<Object> errors) {
        int clean = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (RespClient c = RespClient.connect(port)) {
            for (int round = 0; !stop.get() && System.nanoTime() < deadline; round++) {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    String key = "c" + client + ":" + round + ":" + i;
                    keys.add(key);
                    c.send("SET", key, "v-" + key);
                }
                for (String key : keys) {
                    c.send("GET", key);
                }
                boolean failed = false;
                for (String key : keys) {
                    Object reply = c.readReply(T);
                    if ("OK".equals(reply)) {
                        acks.add(new Ack(key, "v-" + key));
                    } else {
                        assertThat(reply).as("SET %s", key).isIn(ERRORS);
                        errors.add(reply);
                        failed = true;
                    }
                }
                for (String key : keys) {
                    Object reply = c.readReply(T);
                    if (reply instanceof RespClient.Error) {
                        assertThat(reply).as("GET %s", key).isIn(ERRORS);
                        errors.add(reply);
                        failed = true;
                    } else {
                        assertThat(text(reply)).as("GET %s", key).isIn("v-" + key, null);
                    }
                }
                clean = failed ? 0 : clean + 1;
            }
        }
        return clean;
    }

    private static void awaitServed(ProxyUnderTest proxy, String key) {
        long deadline = System.nanoTime() + T.toNanos();
        try (RespClient c = proxy.client()) {
            Object reply = c.call(T, "SET", key, "back");
            while (!"OK".equals(reply)) {
                assertThat(System.nanoTime()).as("the restarted server is used again (last reply %s)", reply)
                        .isLessThan(deadline);
                ProxyUnderTest.pause(Duration.ofMillis(50));
                reply = c.call(T, "SET", key, "back");
            }
        }
    }
}
