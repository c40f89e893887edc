package io.walnut;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Walnut's version, and the twemproxy version it is compatible with. */
public final class Version {
    /** Reported where twemproxy's tools expect nutcracker's version (the stats JSON). */
    public static final String TWEMPROXY_VERSION = "0.5.0";

    private static final String WALNUT = readMavenVersion();

    private Version() {
    }

    /** The Maven version packed into the jar; "dev" when running from classes, as in unit tests. */
    public static String walnut() {
        return WALNUT;
    }

    private static String readMavenVersion() {
        try (InputStream in = Version.class.getResourceAsStream("/META-INF/maven/io.walnut/walnut/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through: the version is informative only
        }
        return "dev";
    }
}
