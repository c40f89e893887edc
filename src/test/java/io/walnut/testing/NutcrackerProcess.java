package io.walnut.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real twemproxy ({@code nutcracker}) with a given YAML config, its log and stats on 127.0.0.1. {@link #port()}
 * is the stats port. Start-up waits for the stats port and for the pool ports the caller names. Close it to stop it.
 */
public final class NutcrackerProcess extends ExternalProcess {
    private final String yaml;
    private final List<Integer> listenPorts;
    private final List<String> extraArgs;

    private NutcrackerProcess(String yaml, List<Integer> listenPorts, List<String> extraArgs) {
        super("nutcracker", FreePorts.loopback());
        this.yaml = yaml;
        this.listenPorts = List.copyOf(listenPorts);
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** nutcracker running {@code yaml}, once every port in {@code listenPorts} accepts. */
    public static NutcrackerProcess start(String yaml, int... listenPorts) {
        return start(yaml, List.of(), listenPorts);
    }

    /** As {@link #start(String, int...)}, with more arguments such as {@code "-i", "1000"}. */
    public static NutcrackerProcess start(String yaml, List<String> extraArgs, int... listenPorts) {
        List<Integer> ports = new ArrayList<>();
        for (int port : listenPorts) {
            ports.add(port);
        }
        NutcrackerProcess nutcracker = new NutcrackerProcess(yaml, ports, extraArgs);
        nutcracker.launch();
        return nutcracker;
    }

    /** The stats port. */
    public int statsPort() {
        return port();
    }

    /** The file nutcracker logs to ({@code -o}). */
    public Path logFile() {
        return directory().resolve("nutcracker.log");
    }

    @Override
    public String diagnostics() {
        return super.diagnostics() + "\nnutcracker log:\n" + tail(logFile());
    }

    @Override
    protected List<Integer> readinessPorts() {
        List<Integer> ports = new ArrayList<>(listenPorts);
        ports.add(statsPort());
        return ports;
    }

    @Override
    protected List<String> command(Path binary) throws IOException {
        Path config = directory().resolve("nutcracker.yml");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", config.toString(),
                "-s", Integer.toString(statsPort()), "-a", "127.0.0.1", "-o", logFile().toString()));
        command.addAll(extraArgs);
        return command;
    }
}
