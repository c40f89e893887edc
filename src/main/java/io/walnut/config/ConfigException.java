package io.walnut.config;

/**
 * A configuration file twemproxy would reject. {@link #twemproxyMessage()} is twemproxy's own log text
 * (e.g. {@code conf: directive "hash" is not a valid hash}); {@link #getMessage()} adds where: file, line, key,
 * and why, which nutcracker never says.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String twemproxyMessage;
    private final int line;

    public ConfigException(String twemproxyMessage, String detail) {
        this(twemproxyMessage, detail, 0);
    }

    /**
     * @param twemproxyMessage twemproxy's text; empty where twemproxy rejects the file without a word
     *                         (an empty scalar)
     * @param detail           file, line, key and reason, for people
     * @param line             1-based line in the file the problem was found at, or 0 when not known
     */
    public ConfigException(String twemproxyMessage, String detail, int line) {
        super(compose(twemproxyMessage, detail));
        this.twemproxyMessage = twemproxyMessage;
        this.line = line;
    }

    private static String compose(String twemproxyMessage, String detail) {
        if (detail == null) {
            return twemproxyMessage;
        }
        return twemproxyMessage.isEmpty() ? detail : twemproxyMessage + " (" + detail + ")";
    }

    /** twemproxy's log line for this problem, without its {@code nc_conf.c:NNN} prefix; may be empty. */
    public String twemproxyMessage() {
        return twemproxyMessage;
    }

    /** The 1-based line of the file where the problem was found, or 0 when it concerns no single line. */
    public int line() {
        return line;
    }
}
