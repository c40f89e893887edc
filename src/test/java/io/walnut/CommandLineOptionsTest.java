package io.walnut;

import io.walnut.core.Transport;
import io.walnut.core.WriteBatching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CommandLineOptionsTest {

    private static LaunchOptions launch(String... args) throws UsageException {
        return CommandLineOptions.parse(args).toLaunchOptions();
    }

    private static String refusal(String... args) {
        return catchThrowableOfType(UsageException.class, () -> CommandLineOptions.parse(args)).getMessage();
    }

    @Test
    void defaultsAreUpstreamNutcrackers() throws UsageException {
        assertThat(launch()).isEqualTo(new LaunchOptions(Path.of("conf/nutcracker.yml"), 5, null, 22222, "0.0.0.0",
                30000, null, 16384, false, CommandLineOptions.defaultThreads(),
                Transport.best().defaultBatchWindowMicros(), WriteBatching.DEFAULT_REPLY_HOLD_MICROS, 0, "127.0.0.1",
                6000, Transport.best()));
    }

    @Test
    void shortOptionsTakeSeparateOrAttachedValues() throws UsageException {
        assertThat(launch("-v", "7", "-o", "w.log", "-c", "a.yml", "-s", "22223", "-a", "127.0.0.1", "-i", "1000",
                "-p", "w.pid", "-m", "512", "-d", "--threads", "3"))
                .isEqualTo(new LaunchOptions(Path.of("a.yml"), 7, Path.of("w.log"), 22223, "127.0.0.1", 1000,
                        Path.of("w.pid"), 512, true, 3, Transport.best().defaultBatchWindowMicros(),
                        WriteBatching.DEFAULT_REPLY_HOLD_MICROS, 0, "127.0.0.1", 6000, Transport.best()));
        assertThat(launch("-v3", "-cb.yml", "-dm1024").confFile()).isEqualTo(Path.of("b.yml"));
        assertThat(launch("-dm1024").mbufSize()).isEqualTo(1024);
        assertThat(launch("-v3").verbosity()).isEqualTo(3);
    }

    @Test
    void longOptionsTakeEqualsOrSeparateValues() throws UsageException {
        assertThat(launch("--verbose=8", "--output", "x.log", "--conf-file=c.yml", "--stats-port=1",
                "--stats-addr", "::1", "--stats-interval=0", "--pid-file=p", "--mbuf-size=16777216",
                "--daemonize", "--threads=1", "--batch-window-us=0", "--reply-hold-us=0", "--metrics-port=9121",
                "--metrics-addr", "0.0.0.0", "--warmup-ms=0", "--transport=nio"))
                .isEqualTo(new LaunchOptions(Path.of("c.yml"), 8, Path.of("x.log"), 1, "::1", 0, Path.of("p"),
                        16777216, true, 1, 0, 0, 9121, "0.0.0.0", 0, Transport.NIO));
    }

    @Test
    void theBatchWindowDefaultsToTheTransportsWhereverTheFlagsStand() throws UsageException {
        assertThat(launch("--transport", "nio").batchWindowUs()).isEqualTo(60);
        assertThat(launch("--batch-window-us", "7", "--transport", "nio").batchWindowUs()).isEqualTo(7);
        assertThat(launch("--transport", "nio", "--batch-window-us", "0").batchWindowUs()).isZero();
    }

    @Test
    void ioUringBatchesLonger() throws UsageException {
        assumeTrue(Transport.IO_URING.isAvailable(), "io_uring is not available here");
        assertThat(launch("--transport", "io_uring").batchWindowUs()).isEqualTo(120);
    }

    @Test
    void flagsAreRecognised() throws UsageException {
        assertThat(CommandLineOptions.parse("-t").testConf()).isTrue();
        assertThat(CommandLineOptions.parse("--test-conf").testConf()).isTrue();
        assertThat(CommandLineOptions.parse("-V").version()).isTrue();
        assertThat(CommandLineOptions.parse("--help").help()).isTrue();
        assertThat(CommandLineOptions.parse("-h").version()).as("help implies version").isTrue();
        assertThat(CommandLineOptions.parse("--describe-stats").describeStats()).isTrue();
        assertThat(CommandLineOptions.parse("-tD").version()).isTrue();
    }

    @Test
    void verbosityIsClampedAndTheLastValueWins() throws UsageException {
        assertThat(launch("-v", "99").verbosity()).isEqualTo(11);
        assertThat(launch("-v", "0").verbosity()).isZero();
        assertThat(launch("-v", "2", "-v", "6").verbosity()).isEqualTo(6);
    }

    @Test
    void valuesMayLookLikeOptionsAndOperandsAreIgnored() throws UsageException {
        assertThat(launch("-c", "-t").confFile()).isEqualTo(Path.of("-t"));
        assertThat(launch("stray", "-c", "x.yml", "operand").confFile()).isEqualTo(Path.of("x.yml"));
        assertThat(launch("-o", "").logFile()).as("empty -o means stderr").isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "-x                | invalid option -- 'x'",
        "-?                | invalid option -- '?'",
        "-tq               | invalid option -- 'q'",
        "--nope            | invalid option -- '--nope'",
        "--help=yes        | invalid option -- 'h'",
        "-v abc            | option -v requires a number",
        "-v -1             | option -v requires a number",
        "-s 0              | option -s value 0 is not a valid port",
        "-s 70000          | option -s value 70000 is not a valid port",
        "-s x              | option -s requires a number",
        "-i 1s             | option -i requires a number",
        "-m 0              | option -m requires a non-zero number",
        "-m x              | option -m requires a non-zero number",
        "-m 511            | mbuf chunk size must be between 512 and 16777216 bytes",
        "-m 16777217       | mbuf chunk size must be between 512 and 16777216 bytes",
        "--threads 0       | option --threads value 0 must be at least 1",
        "--threads many    | option --threads requires a number",
        "--metrics-port 0  | option --metrics-port value 0 is not a valid port",
        "--metrics-port 70000 | option --metrics-port value 70000 is not a valid port",
        "--metrics-port x  | option --metrics-port requires a number",
        "--warmup-ms -1    | option --warmup-ms requires a number",
        "--batch-window-us -5 | option --batch-window-us requires a number",
        "--batch-window-us | option --batch-window-us requires a number",
        "--reply-hold-us -1 | option --reply-hold-us requires a number",
        "-c                | option -c requires a file name",
        "-o                | option -o requires a file name",
        "--pid-file        | option -p requires a file name",
        "-a                | option -a requires a string",
        "-s                | option -s requires a number",
        "-m                | option -m requires a number",
        "--metrics-port    | option --metrics-port requires a number",
        "--metrics-addr    | option --metrics-addr requires a string",
        "--threads         | option --threads requires a number",
        "--transport       | option --transport requires a string",
        "--transport kqueue | option --transport value 'kqueue' is not one of epoll, io_uring, nio",
        "--transport=EPOLL | option --transport value 'EPOLL' is not one of epoll, io_uring, nio",
    })
    void badOptionsGetNutcrackersMessage(String args, String message) {
        assertThat(refusal(args.split(" "))).isEqualTo(message);
    }
}
