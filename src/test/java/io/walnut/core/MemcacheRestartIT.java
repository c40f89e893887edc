package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.walnut.core.MemcacheTimeoutIT.hit;
import static io.walnut.core.MemcacheTimeoutIT.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * SIGKILL of a memcached under pipelined load from several clients, then a restart on the same port (reference
 * 8.5): every reply, single-key or multi-get, is its own keys' values, a miss, or a proxy error, never another
 * key's value; writes acknowledged by the servers that lived are all there; the restarted server is used again.
 */
class MemcacheRestartIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;
    private static final int BATCH = 20;
    private static final Set<String> ERRORS = Set.of("SERVER_ERROR Connection refused\r\n",
            "SERVER_ERROR unknown\r\n", "SERVER_ERROR Connection reset by peer\r\n", "SERVER_ERROR Broken pipe\r\n");
    private static final Pattern VALUE_BLOCK = Pattern.compile("VALUE (\\S+) 0 (\\d+)\r\n([^\r]*)\r\n");

    /** A set the proxy acknowledged with {@code STORED}. */
    private record Ack(String key, String value) {
    }

    @Test
    void aMemcachedKilledUnderLoadAndRestartedLosesNoOtherServersWrites() {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            try (LeakWatch leaks = new LeakWatch();
                 MemcachedProcess m1 = MemcachedProcess.start(); MemcachedProcess m2 = MemcachedProcess.start();
                 MemcachedProcess victim = MemcachedProcess.start()) {
                int victimPort = victim.port();
                try (ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("restart",
                        FreePorts.loopback(), List.of("auto_eject_hosts: false", "server_retry_timeout: 200",
                                "timeout: 3000"),
                        List.of("127.0.0.1:" + m1.port() + ":1 s1", "127.0.0.1:" + m2.port() + ":1 s2",
                                "127.0.0.1:" + victimPort + ":1 s3")), 2)) {
                    ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
                    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
                    int victimIndex = proxy.serverOnPort(victimPort);
                    String probe = ProxyUnderTest.keyOn(proxy.placement(), victimIndex, "probe:");
                    KillUnderLoad.run(CLIENTS, (client, stop) -> load(proxy.port(), client, stop, acks, errors), victim,
                            MemcachedProcess::startOn, () -> awaitServed(proxy, probe));
                    assertThat(errors).as("the kill was felt").isNotEmpty();
                    assertThat(Set.copyOf(errors)).isSubsetOf(ERRORS);

                    Placement placement = proxy.placement();
                    List<String> lost = new ArrayList<>();
                    try (MemcacheClient c = proxy.memcacheClient()) {
                        for (Ack ack : acks) {
                            if (placement.serverIndex(ack.key.getBytes(StandardCharsets.UTF_8)) != victimIndex
                                    && !hit(ack.key, ack.value).equals(c.call(T, "get " + ack.key + "\r\n"))) {
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
     * One client until {@code stop}: batches of sets, then gets of the same keys, then one get of them all,
     * pipelined. Returns how many batches in a row, at the end, had no error.
     */
    private static int load(int port, int client, AtomicBoolean stop, ConcurrentLinkedQueue<Ack> acks,
                            ConcurrentLinkedQueue<String> errors) {
        int clean = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            for (int round = 0; !stop.get() && System.nanoTime() < deadline; round++) {
                List<String> keys = new ArrayList<>();
                StringBuilder getAll = new StringBuilder("get");
                for (int i = 0; i < BATCH; i++) {
                    String key = "c" + client + ":" + round + ":" + i;
                    keys.add(key);
                    getAll.append(' ').append(key);
                    c.send(set(key, "v-" + key, false));
                }
                for (String key : keys) {
                    c.send("get " + key + "\r\n");
                }
                c.send(getAll.append("\r\n").toString());
                boolean failed = false;
                for (String key : keys) {
                    String reply = c.readReply(T);
                    if (reply.equals("STORED\r\n")) {
                        acks.add(new Ack(key, "v-" + key));
                    } else {
                        failed = failed(reply, "set " + key, errors);
                    }
                }
                for (String key : keys) {
                    String reply = c.readReply(T);
                    if (!reply.equals(hit(key, "v-" + key)) && !reply.equals("END\r\n")) {
                        failed = failed(reply, "get " + key, errors);
                    }
                }
                String all = c.readReply(T);
                if (all.startsWith("SERVER_ERROR")) {
                    failed = failed(all, getAll.toString(), errors);
                } else {
                    assertOwnValues(all, keys);
                }
                clean = failed ? 0 : clean + 1;
            }
        }
        return clean;
    }

    private static boolean failed(String reply, String request, ConcurrentLinkedQueue<String> errors) {
        assertThat(reply).as(request).isIn(ERRORS);
        errors.add(reply);
        return true;
    }

    /** A multi-get's reply: VALUE blocks of the requested keys, each with its own value, then END. */
    private static void assertOwnValues(String reply, List<String> keys) {
        assertThat(reply).endsWith("END\r\n");
        Matcher m = VALUE_BLOCK.matcher(reply);
        int at = 0;
        while (m.find() && m.start() == at) {
            assertThat(keys).as(reply).contains(m.group(1));
            assertThat(m.group(3)).as("the value of %s", m.group(1)).isEqualTo("v-" + m.group(1));
            at = m.end();
        }
        assertThat(reply.substring(at)).as(reply).isEqualTo("END\r\n");
    }

    private static void awaitServed(ProxyUnderTest proxy, String key) {
        try (MemcacheClient c = proxy.memcacheClient()) {
            Await.until(T, () -> c.call(T, set(key, "back", false)).equals("STORED\r\n"),
                    "the restarted server is used again");
        }
    }
}
