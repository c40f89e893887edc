package io.walnut;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** nutcracker's {@code -p} file: the decimal pid, no newline, truncating any old file. */
final class PidFile {

    private PidFile() {
    }

    static void write(Path path, long pid) throws IOException {
        Files.write(path, Long.toString(pid).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** Removes the file on a normal shutdown; a failure is only worth a log line, as in nutcracker. */
    static void remove(Path path) throws IOException {
        Files.delete(path);
    }
}
