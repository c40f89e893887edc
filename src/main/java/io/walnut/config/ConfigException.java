package io.walnut.config;

/**
 * A configuration file twemproxy would reject. {@link #twemproxyMessage()} is twemproxy's own log text
 * (e.g. {@code conf: directive "hash" is not a valid hash}); {@link #getMessage()} adds where: file, line, key.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String twemproxyMessage;

    public ConfigException(String twemproxyMessage, String detail) {
        super(detail == null ? twemproxyMessage : twemproxyMessage + " (" + detail + ")");
        this.twemproxyMessage = twemproxyMessage;
    }

    public String twemproxyMessage() {
        return twemproxyMessage;
    }
}
