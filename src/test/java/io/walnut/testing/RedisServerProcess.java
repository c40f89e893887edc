package io.walnut.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away {@code redis-server} on 127.0.0.1: no persistence, working files in its own temporary folder.
 * Start one with {@link #start()} or {@link #builder()}; close it to stop it.
 */
public final class RedisServerProcess extends ExternalProcess {
    private final String password;
    private final boolean unixSocket;
    private final List<String> extraArgs;

    private RedisServerProcess(Builder builder) {
        super("redis-server", builder.port != 0 ? builder.port : FreePorts.loopback());
        this.password = builder.password;
        this.unixSocket = builder.unixSocket;
        this.extraArgs = List.copyOf(builder.extraArgs);
    }

    /** A redis-server with default options on a free port. */
    public static RedisServerProcess start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The unix socket path, or null when it was not asked for. */
    public Path unixSocket() {
        return unixSocket ? directory().resolve("redis.sock") : null;
    }

    @Override
    protected List<String> command(Path binary) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port()), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", directory().toString()));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        if (unixSocket) {
            command.addAll(List.of("--unixsocket", unixSocket().toString(), "--unixsocketperm", "700"));
        }
        command.addAll(extraArgs);
        return command;
    }

    /** Options for a {@link RedisServerProcess}. */
    public static final class Builder {
        private String password;
        private boolean unixSocket;
        private int port;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /** Sets {@code requirepass}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Listens on this port instead of a free one, e.g. to restart a server where a proxy expects it. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Also listens on a unix socket in the process's folder ({@link #unixSocket()}). */
        public Builder unixSocket() {
            this.unixSocket = true;
            return this;
        }

        /** More command-line arguments, e.g. {@code "--databases", "32"}. */
        public Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        public RedisServerProcess start() {
            RedisServerProcess redis = new RedisServerProcess(this);
            redis.launch();
            return redis;
        }
    }
}
