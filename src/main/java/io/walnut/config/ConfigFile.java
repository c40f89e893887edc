package io.walnut.config;

import java.nio.file.Path;

/** The file being loaded, as named on the command line; it words every problem found in it. */
record ConfigFile(Path path) {

    /** The file name as twemproxy quotes it in its messages. */
    String quoted() {
        return "'" + path + "'";
    }

    ConfigException problem(int line, String twemproxyMessage, String why) {
        String where = line > 0 ? path + ":" + line + ": " : path + ": ";
        return new ConfigException(twemproxyMessage, where + why, line);
    }
}
