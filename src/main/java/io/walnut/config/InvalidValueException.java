package io.walnut.config;

/**
 * A directive's value twemproxy refuses. The loader turns it into a {@link ConfigException} once it knows the
 * key and line.
 */
final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    /** twemproxy's words after {@code conf: directive "<key>" }, e.g. {@code is not a number}. */
    private final String reason;

    /**
     * @param reason twemproxy's suffix for {@code conf: directive "<key>" <reason>}
     * @param why    the explanation for people
     */
    InvalidValueException(String reason, String why) {
        super(why);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
