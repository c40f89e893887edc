package io.walnut.core;

import io.walnut.testing.ExternalProcess;
import io.walnut.testing.FreePorts;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Two live servers and a dead port behind an in-process proxy, with one client of the proxy: the set-up of the
 * dead-server tests of either protocol. The servers are named {@code s1}, {@code s2} and {@code s3} (the dead
 * one).
 *
 * @param <S> the server process type
 * @param <C> the proxy client type
 */
final class DeadServerSetup<S extends ExternalProcess, C extends AutoCloseable> implements AutoCloseable {
    final S live1;
    final S live2;
    final int deadPort = FreePorts.loopback();
    final ProxyUnderTest proxy;
    final C client;
    /** A key the dead server holds. */
    final String deadKey;

    /**
     * @param server starts one server
     * @param yaml   the pool's YAML for a listen port and the three server lines
     * @param client a client of the started proxy
     */
    DeadServerSetup(Supplier<S> server, BiFunction<Integer, List<String>, String> yaml,
                    Function<ProxyUnderTest, C> client) throws Exception {
        live1 = server.get();
        live2 = server.get();
        try {
            proxy = ProxyUnderTest.start(yaml.apply(FreePorts.loopback(),
                    servers(live1.port(), live2.port(), deadPort)), 1);
        } catch (Exception | Error e) {
            live1.close();
            live2.close();
            throw e;
        }
        this.client = client.apply(proxy);
        deadKey = keyOn(deadPort, "dead:");
    }

    /** The pool's server lines: {@code s1} and {@code s2} live, {@code s3} dead. */
    static List<String> servers(int live1, int live2, int dead) {
        return List.of("127.0.0.1:" + live1 + ":1 s1", "127.0.0.1:" + live2 + ":1 s2", "127.0.0.1:" + dead + ":1 s3");
    }

    /** A key with {@code prefix} that the server on {@code port} holds. */
    String keyOn(int port, String prefix) {
        return ProxyUnderTest.keyOn(proxy.placement(), proxy.serverOnPort(port), prefix);
    }

    @Override
    public void close() throws Exception {
        client.close();
        try {
            proxy.close();
        } finally {
            live1.close();
            live2.close();
        }
    }
}
