package io.walnut.testing;

import io.walnut.Walnut;
import io.walnut.config.ConfigException;
import io.walnut.config.ConfigLoader;
import io.walnut.config.ProxyConfig;
import io.walnut.core.Proxy;
import io.walnut.core.Transport;
import io.walnut.core.WriteBatching;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Walnut's {@link Proxy} in the test's own JVM, built from a YAML text exactly as the {@code walnut} command builds
 * it ({@link ConfigLoader}, {@link Walnut#protocolFor}), with the default 16 KiB mbuf size. The YAML is written to a
 * file in a temporary folder that {@link #close()} deletes along with stopping the proxy. One test thread uses an
 * instance.
 */
public final class InProcessWalnut implements AutoCloseable {
    private static final int MBUF_SIZE = 16384;

    private final Path directory;
    private final ProxyConfig config;
    private final Proxy proxy;

    private InProcessWalnut(Path directory, ProxyConfig config, Proxy proxy) {
        this.directory = directory;
        this.config = config;
        this.proxy = proxy;
    }

    /** A started proxy with one event loop. */
    public static InProcessWalnut start(String yaml) {
        return start(yaml, 1);
    }

    /** A started proxy with {@code threads} event loops (walnut's {@code --threads}). */
    public static InProcessWalnut start(String yaml, int threads) {
        Path directory = createDirectory();
        Proxy proxy = null;
        try {
            Path file = directory.resolve("walnut.yml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            ProxyConfig config = ConfigLoader.load(file);
            Transport transport = TransportUnderTest.get();
            proxy = new Proxy(config, transport, threads, WriteBatching.defaults(transport), MBUF_SIZE,
                    Walnut::protocolFor);
            proxy.start();
            return new InProcessWalnut(directory, config, proxy);
        } catch (IOException | ConfigException | InterruptedException | RuntimeException e) {
            if (proxy != null) {
                proxy.close();
            }
            ExternalProcess.deleteRecursively(directory);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start Walnut with:\n" + yaml, e);
        }
    }

    private static Path createDirectory() {
        try {
            return Files.createTempDirectory("walnut-inprocess-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Proxy proxy() {
        return proxy;
    }

    public ProxyConfig config() {
        return config;
    }

    /** The temporary folder holding the YAML file, free for the test's own files (e.g. a unix socket). */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        proxy.close();
        ExternalProcess.deleteRecursively(directory);
    }
}
