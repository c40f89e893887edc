package io.walnut.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real twemproxy ({@code nutcracker}) with a given YAML config, its log and stats on 127.0.0.1. {@link #port()}
 * is the stats port. Start-up waits for the stats port and for the pool ports the caller names. Close it to stop it.
 */
public final class NutcrackerProcess extends ProxyProcess {

    private NutcrackerProcess(String yaml, int[] listenPorts, List<String> extraArgs) {
        super("nutcracker", yaml, listenPorts, extraArgs);
    }

    /** nutcracker running {@code yaml}, once every port in {@code listenPorts} accepts. */
    public static NutcrackerProcess start(String yaml, int... listenPorts) {
        return start(yaml, List.of(), listenPorts);
    }

    /** As {@link #start(String, int...)}, with more arguments such as {@code "-i", "1000"}. */
    public static NutcrackerProcess start(String yaml, List<String> extraArgs, int... listenPorts) {
        NutcrackerProcess nutcracker = new NutcrackerProcess(yaml, listenPorts, extraArgs);
        nutcracker.launch();
        return nutcracker;
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
    protected List<String> command(Path binary) throws IOException {
        Path config = writeConfig("nutcracker.yml");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", config.toString(),
                "-s", Integer.toString(statsPort()), "-a", "127.0.0.1", "-o", logFile().toString()));
        command.addAll(extraArgs());
        return command;
    }
}
