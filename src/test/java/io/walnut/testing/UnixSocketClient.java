package io.walnut.testing;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A client of a proxy's unix socket listener. */
public final class UnixSocketClient {
    private UnixSocketClient() {
    }

    /**
     * Writes {@code request} to {@code socket} and reads until the proxy closes (end the request with QUIT), at
     * most 64 KiB and within {@code bound}.
     */
    public static byte[] exchangeUntilClose(Path socket, byte[] request, Duration bound) {
        return assertTimeoutPreemptively(bound, () -> {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                channel.write(ByteBuffer.wrap(request));
                ByteBuffer reply = ByteBuffer.allocate(64 * 1024);
                while (reply.hasRemaining() && channel.read(reply) >= 0) {
                    // until the proxy closes after QUIT
                }
                return Arrays.copyOf(reply.array(), reply.position());
            }
        });
    }
}
