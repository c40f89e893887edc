package io.walnut.core;

import io.walnut.testing.Binaries;
import io.walnut.testing.FreePorts;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A request after which the proxy closes the client (QUIT, a request with the wrong number of arguments) ends the
 * conversation: a request pipelined behind it in the same packet is neither run nor answered, as in nutcracker.
 */
class CloseAfterIT {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void nothingPipelinedAfterAClosingRequestRuns() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int nutcrackerPort = FreePorts.loopback();
            try (RedisServerProcess server = RedisServerProcess.start()) {
                List<String> servers = List.of("127.0.0.1:" + server.port() + ":1 s1");
                try (ProxyUnderTest walnut = ProxyUnderTest.start(ProxyUnderTest.yaml("walnut", FreePorts.loopback(),
                        List.of(), servers), 1);
                     NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.yaml("nutcracker",
                             nutcrackerPort, List.of(), servers), nutcrackerPort)) {
                    // nutcracker closes without a word; Walnut answers the closing request (QUIT with +OK, as
                    // Redis does; a wrong arity with Redis's error), and nothing after it.
                    Map<String, String> walnutAnswers = Map.of("QUIT", "+OK\\r\\n",
                            "GET", "-ERR wrong number of arguments for 'get' command\\r\\n");
                    for (String closing : List.of("QUIT", "GET")) {
                        byte[] n = conversation(nutcrackerPort, closing, "n:" + closing);
                        byte[] w = conversation(walnut.port(), closing, "w:" + closing);
                        assertThat(n).as(nutcracker.diagnostics()).isEmpty();
                        assertThat(RespClient.printable(w)).as("after %s", closing).isEqualTo(walnutAnswers.get(closing));
                        try (RespClient direct = RespClient.connect(server.port())) {
                            assertThat(direct.call(T, "EXISTS", "n:" + closing)).as(nutcracker.diagnostics()).isEqualTo(0L);
                            assertThat(direct.call(T, "EXISTS", "w:" + closing)).as("SET after %s ran", closing)
                                    .isEqualTo(0L);
                        }
                    }
                }
            }
        });
    }

    /** Sends {@code closing} (no arguments) and a SET of {@code key} in one packet; all bytes until EOF. */
    private static byte[] conversation(int port, String closing, String key) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) T.toMillis());
            ByteArrayOutputStream packet = new ByteArrayOutputStream();
            packet.writeBytes(RespClient.encode(closing.getBytes(StandardCharsets.US_ASCII)));
            packet.writeBytes(RespClient.encode("SET".getBytes(StandardCharsets.US_ASCII),
                    key.getBytes(StandardCharsets.US_ASCII), "1".getBytes(StandardCharsets.US_ASCII)));
            s.getOutputStream().write(packet.toByteArray());
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            return in.readAllBytes();
        }
    }
}
