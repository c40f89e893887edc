package io.walnut.testing;

import io.walnut.core.Transport;

import java.util.List;

/**
 * The socket layer of every proxy the integration tests start: {@code -Dwalnut.test.transport=NAME} (as
 * {@code --transport} names it; {@code ./walnut test} runs the integration tests again over io_uring), else
 * the default.
 */
public final class TransportUnderTest {
    private static final String PROPERTY = "walnut.test.transport";

    private TransportUnderTest() {
    }

    /** The transport asked for, or the default one. */
    public static Transport get() {
        String name = System.getProperty(PROPERTY, "");
        if (name.isBlank()) {
            return Transport.best();
        }
        try {
            return Transport.available(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("-D" + PROPERTY + "=" + e.getMessage(), e);
        }
    }

    /** The command-line arguments that make a walnut process use {@link #get()}. */
    public static List<String> arguments() {
        return List.of("--transport", get().displayName());
    }
}
