package io.walnut;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -d}: a JVM cannot fork, so Walnut starts the same JVM command again in a new session (through
 * {@code setsid} when installed) with stdin, stdout and stderr on /dev/null, passes every option except
 * {@code -d}, and lets the parent exit 0. The working directory is kept, as nutcracker keeps it.
 */
final class Daemon {

    private static final File DEV_NULL = new File("/dev/null");
    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

    private Daemon() {
    }

    /** Starts the detached copy and returns its pid. */
    static long launch(LaunchOptions options) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(options))
                .redirectInput(DEV_NULL)
                .redirectOutput(DEV_NULL)
                .redirectError(DEV_NULL);
        return builder.start().pid();
    }

    static List<String> command(LaunchOptions options) {
        List<String> command = new ArrayList<>();
        SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(setsid -> command.add(setsid.toString()));
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(arguments(options));
        return command;
    }

    /** The options spelled out in full, without {@code -d}; parsing them gives {@code options} back. */
    static List<String> arguments(LaunchOptions options) {
        List<String> args = new ArrayList<>(List.of("-v", Integer.toString(options.verbosity())));
        if (options.logFile() != null) {
            args.addAll(List.of("-o", options.logFile().toString()));
        }
        args.addAll(List.of("-c", options.confFile().toString(),
                "-s", Integer.toString(options.statsPort()),
                "-a", options.statsAddr(),
                "-i", Integer.toString(options.statsIntervalMs())));
        if (options.pidFile() != null) {
            args.addAll(List.of("-p", options.pidFile().toString()));
        }
        args.addAll(List.of("-m", Integer.toString(options.mbufSize()),
                "--threads", Integer.toString(options.threads()),
                "--batch-window-us", Integer.toString(options.batchWindowUs()),
                "--reply-hold-us", Integer.toString(options.replyHoldUs())));
        if (options.metricsPort() != 0) {
            args.addAll(List.of("--metrics-port", Integer.toString(options.metricsPort())));
        }
        args.addAll(List.of("--metrics-addr", options.metricsAddr(),
                "--warmup-ms", Integer.toString(options.warmupMs()),
                "--transport", options.transport().displayName()));
        return args;
    }
}
