package io.walnut;

import java.nio.file.Path;

/**
 * The command line after parsing, with nutcracker's defaults applied.
 *
 * @param logFile   null = stderr
 * @param pidFile   null = none
 * @param threads   event loops; Walnut's own option ({@code --threads}), default: available processors
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
        int threads) {
}
