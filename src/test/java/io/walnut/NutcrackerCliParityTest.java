package io.walnut;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Compares Walnut's texts with the installed nutcracker's; skipped where nutcracker is not installed. */
class NutcrackerCliParityTest {

    private static String nutcracker(String... args) throws IOException, InterruptedException {
        Path binary = InstalledNutcracker.find();
        assumeTrue(binary != null, "nutcracker is not installed");
        String[] command = new String[args.length + 1];
        command[0] = binary.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    @Test
    void describeStatsIsNutcrackersTable() throws Exception {
        String output = nutcracker("-D");

        assertThat(output.substring(output.indexOf("pool stats:"))).isEqualTo(HelpText.statsDescription());
    }

    @Test
    void usageIsNutcrackersWithWalnutsNameAndUpstreamDefaults() throws Exception {
        String output = nutcracker("-h");
        String theirs = output.substring(output.indexOf("Usage:"))
                .replace("Usage: nutcracker ", "Usage: walnut ")
                .replace("\n                  [", "\n              [")
                .replace("/var/log/nutcracker/nutcracker.log", "stderr")
                .replace("/etc/nutcracker/nutcracker.yml", "conf/nutcracker.yml")
                .replace("/run/nutcracker/nutcracker.pid", "off");
        String ours = HelpText.usage()
                .replaceAll("      --(threads|batch-window-us|reply-hold-us|metrics-port|metrics-addr|warmup-ms"
                        + "|transport)=[NS][^\n]*\n", "");

        assertThat(ours).isEqualTo(theirs);
    }
}
