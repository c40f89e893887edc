package io.walnut;

import io.walnut.core.Transport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonTest {

    @Test
    void theChildGetsEveryOptionButDaemonize() throws UsageException {
        LaunchOptions parent = new LaunchOptions(Path.of("c.yml"), 7, Path.of("w.log"), 22223, "127.0.0.1", 1000,
                Path.of("w.pid"), 1024, true, 3, 25, 700, 9121, "0.0.0.0", 500, Transport.NIO);

        List<String> args = Daemon.arguments(parent);

        assertThat(args).doesNotContain("-d", "--daemonize");
        assertThat(CommandLineOptions.parse(args.toArray(String[]::new)).toLaunchOptions())
                .isEqualTo(new LaunchOptions(Path.of("c.yml"), 7, Path.of("w.log"), 22223, "127.0.0.1", 1000,
                        Path.of("w.pid"), 1024, false, 3, 25, 700, 9121, "0.0.0.0", 500, Transport.NIO));
    }

    @Test
    void unsetFilesStayUnset() throws UsageException {
        LaunchOptions parent = CommandLineOptions.parse("-d").toLaunchOptions();

        List<String> args = Daemon.arguments(parent);

        assertThat(args).doesNotContain("-o", "-p");
        assertThat(CommandLineOptions.parse(args.toArray(String[]::new)).toLaunchOptions().logFile()).isNull();
    }

    @Test
    void theCommandRerunsThisJvmOnMain() throws UsageException {
        List<String> command = Daemon.command(CommandLineOptions.parse("-d").toLaunchOptions());

        assertThat(command).contains("-cp", System.getProperty("java.class.path"), Main.class.getName());
        assertThat(command.get(0)).matches(".*(setsid|java)");
    }
}
