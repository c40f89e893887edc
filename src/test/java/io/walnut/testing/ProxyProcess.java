package io.walnut.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy process (nutcracker or walnut) run with a YAML config written to its folder, its stats on 127.0.0.1.
 * {@link #port()} is the stats port. Start-up waits for the stats port and for the pool ports the caller names.
 */
abstract class ProxyProcess extends ExternalProcess {
    private final String yaml;
    private final List<Integer> listenPorts;
    private final List<String> extraArgs;

    ProxyProcess(String binaryName, String yaml, int[] listenPorts, List<String> extraArgs) {
        super(binaryName, FreePorts.loopback());
        this.yaml = yaml;
        List<Integer> ports = new ArrayList<>();
        for (int port : listenPorts) {
            ports.add(port);
        }
        this.listenPorts = List.copyOf(ports);
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** The stats port. */
    public int statsPort() {
        return port();
    }

    @Override
    protected List<Integer> readinessPorts() {
        List<Integer> ports = new ArrayList<>(listenPorts);
        ports.add(statsPort());
        return ports;
    }

    /** Writes the YAML as {@code name} in the process's folder and returns its path. */
    protected Path writeConfig(String name) throws IOException {
        Path config = directory().resolve(name);
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        return config;
    }

    /** The extra command-line arguments the caller gave, to append last. */
    protected List<String> extraArgs() {
        return extraArgs;
    }
}
