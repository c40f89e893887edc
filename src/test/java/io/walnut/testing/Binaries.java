package io.walnut.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds server binaries on PATH and in the sbin folders, which PATH often lacks for non-root users. */
public final class Binaries {
    private static final List<String> EXTRA_DIRECTORIES = List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin");

    private Binaries() {
    }

    /** The executable called {@code name}, if there is one. */
    public static Optional<Path> find(String name) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(File.pathSeparator)));
        }
        directories.addAll(EXTRA_DIRECTORIES);
        return directories.stream()
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The executable called {@code name}; when it is missing, the calling test is skipped, naming it. */
    public static Path require(String name) {
        Optional<Path> binary = find(name);
        Assumptions.assumeTrue(binary.isPresent(), () -> name + " is not installed (looked on PATH and in " + EXTRA_DIRECTORIES + ")");
        return binary.get();
    }
}
