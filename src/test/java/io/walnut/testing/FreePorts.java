package io.walnut.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on 127.0.0.1. Ports come from below the kernel's ephemeral range when there is room, so the
 * outgoing connections of the processes under test cannot take a port between its hand-out and its bind. Never
 * hands the same port out twice in one JVM. Any thread.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;
    private static final int HIGHEST = 32_000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A loopback port that nothing listens on now and that this JVM has not handed out before. */
    public static synchronized int loopback() {
        int highest = Math.min(HIGHEST, ephemeralRangeStart() - 1);
        for (int attempt = 0; attempt < 2000 && highest > LOWEST; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (!HANDED_OUT.contains(port) && canBind(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = kernelChosenPort();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    private static int ephemeralRangeStart() {
        // Read as a stream: Files.readString trusts the size procfs reports and can return a truncated line.
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST; // unknown: fall back to the kernel's choice
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static int kernelChosenPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind any loopback port", e);
        }
    }
}
