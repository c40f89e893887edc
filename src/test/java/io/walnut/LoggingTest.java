package io.walnut;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingTest {

    private static final Logger log = LoggerFactory.getLogger(LoggingTest.class);

    @TempDir
    Path dir;

    @AfterEach
    void restore() throws IOException {
        Logging.configure(5, null);
    }

    @Test
    void nutcrackerLevelsMapToLogbackLevels() {
        assertThat(Logging.levelFor(0)).isEqualTo(Level.OFF);
        assertThat(Logging.levelFor(1)).isEqualTo(Level.ERROR);
        assertThat(Logging.levelFor(3)).isEqualTo(Level.ERROR);
        assertThat(Logging.levelFor(4)).isEqualTo(Level.WARN);
        assertThat(Logging.levelFor(5)).isEqualTo(Level.INFO);
        assertThat(Logging.levelFor(6)).isEqualTo(Level.DEBUG);
        assertThat(Logging.levelFor(7)).isEqualTo(Level.DEBUG);
        assertThat(Logging.levelFor(8)).isEqualTo(Level.TRACE);
        assertThat(Logging.levelFor(11)).isEqualTo(Level.TRACE);
    }

    @Test
    void theDefaultLevelShowsStateChangesButNotPerConnectionLines() throws IOException {
        Path file = dir.resolve("w.log");
        Logging.configure(5, file);

        log.info("listening");
        log.debug("accepted");

        assertThat(Files.readString(file))
                .matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}] LoggingTest listening\n");
    }

    @Test
    void theFileIsAppendedToAndReopened() throws IOException {
        Path file = dir.resolve("w.log");
        Files.writeString(file, "old\n");
        Logging.configure(4, file);

        log.warn("first");
        Files.move(file, dir.resolve("w.log.1"));
        Logging.reopen();
        log.warn("second");

        assertThat(Files.readString(dir.resolve("w.log.1"))).startsWith("old\n").contains("first");
        assertThat(Files.readString(file)).contains("second").doesNotContain("first");
    }

    @Test
    void verbosityCanBeRaisedAndLoweredAndIsClamped() throws IOException {
        Path file = dir.resolve("w.log");
        Logging.configure(5, file);

        Logging.setVerbosity(Logging.verbosity() + 1);
        log.debug("now visible");
        Logging.setVerbosity(-3);
        log.error("level 0 hides even errors");

        assertThat(Logging.verbosity()).isZero();
        assertThat(Files.readString(file)).contains("now visible").doesNotContain("hides");
    }
}
