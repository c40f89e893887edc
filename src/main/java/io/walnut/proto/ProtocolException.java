package io.walnut.proto;

/** Input that breaks a protocol's framing: the stream can't be followed any further. */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String reason) {
        super(reason, null, false, false);
    }
}
