package io.walnut;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Finds the installed nutcracker binary (PATH, then /usr/sbin) for the tests that compare with it. */
public final class InstalledNutcracker {

    private InstalledNutcracker() {
    }

    /** The binary, or null when nutcracker is not installed. */
    public static Path find() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry, "nutcracker"));
        return Stream.concat(onPath, Stream.of(Path.of("/usr/sbin/nutcracker")))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }
}
