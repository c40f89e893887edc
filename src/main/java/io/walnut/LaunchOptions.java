package io.walnut;

import io.walnut.core.Transport;

import java.nio.file.Path;

/**
 * The command line after parsing, with nutcracker's defaults applied.
 *
 * @param logFile   null = stderr
 * @param pidFile   null = none
 * @param threads   event loops; Walnut's own option ({@code --threads}), default: available processors
 * @param batchWindowUs server send's batch window on a busy loop ({@code --batch-window-us}); 0 = none
 * @param replyHoldUs the longest ready replies wait for the rest of their read ({@code --reply-hold-us}); 0 = none
 * @param metricsPort the Prometheus HTTP port ({@code --metrics-port}); 0 = no Prometheus endpoint
 * @param metricsAddr the address it binds ({@code --metrics-addr}), default 127.0.0.1
 * @param warmupMs  the longest JIT warm-up before the pools open ({@code --warmup-ms}); 0 = none
 * @param transport the socket layer ({@code --transport}), default {@link Transport#best()}
 */
public record LaunchOptions(
        Path confFile,
        int verbosity,
        Path logFile,
        int statsPort,
        String statsAddr,
        int statsIntervalMs,
        Path pidFile,
        int mbufSize,
        boolean daemonize,
        int threads,
        int batchWindowUs,
        int replyHoldUs,
        int metricsPort,
        String metricsAddr,
        int warmupMs,
        Transport transport) {
}
