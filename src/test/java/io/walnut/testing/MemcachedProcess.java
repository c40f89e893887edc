package io.walnut.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A throw-away {@code memcached} on 127.0.0.1 (TCP only). Close it to stop it. */
public final class MemcachedProcess extends ExternalProcess {
    private final List<String> extraArgs;

    private MemcachedProcess(int port, List<String> extraArgs) {
        super("memcached", port);
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** A memcached on a free port, with {@code extraArgs} (e.g. {@code "-m", "16"}) appended. */
    public static MemcachedProcess start(String... extraArgs) {
        return startOn(FreePorts.loopback(), extraArgs);
    }

    /** A memcached on {@code port}, e.g. to restart a server where a proxy expects it. */
    public static MemcachedProcess startOn(int port, String... extraArgs) {
        MemcachedProcess memcached = new MemcachedProcess(port, List.of(extraArgs));
        memcached.launch();
        return memcached;
    }

    @Override
    protected List<String> command(Path binary) {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "-l", "127.0.0.1", "-p", Integer.toString(port()), "-U", "0"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
        }
        command.addAll(extraArgs);
        return command;
    }
}
