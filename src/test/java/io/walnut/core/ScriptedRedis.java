package io.walnut.core;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A misbehaving "Redis" on a loopback port, for failure tests. It reads commands one at a time and answers
 * {@code GET key} by the key's prefix, so a test chooses the misbehaviour by the key it asks for:
 * <ul>
 *   <li>{@code garbage} — a line that is not RESP;</li>
 *   <li>{@code partial} — the start of a bulk string, then it closes the connection (FIN);</li>
 *   <li>{@code extra} — {@code +first}, then an unsolicited {@code +stray};</li>
 *   <li>{@code oom}, {@code loading}, {@code busy} — Redis's {@code -OOM}, {@code -LOADING}, {@code -BUSY} errors;</li>
 *   <li>anything else — the bulk string {@code val-<key>}.</li>
 * </ul>
 * Any other command gets {@code +OK}.
 */
final class ScriptedRedis extends ScriptedServer {

    ScriptedRedis() throws IOException {
        super("scripted-redis");
    }

    @Override
    void serve(Socket s) throws IOException {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        for (;;) {
            List<String> command = readCommand(in);
            if (command == null) {
                return;
            }
            if (!command.get(0).equalsIgnoreCase("GET")) {
                write(out, "+OK\r\n");
                continue;
            }
            String key = command.get(1);
            if (key.startsWith("garbage")) {
                write(out, "?what is this\r\n");
            } else if (key.startsWith("partial")) {
                write(out, "$10\r\nabc");
                closeCleanly(s, in);
                return;
            } else if (key.startsWith("extra")) {
                write(out, "+first\r\n+stray\r\n");
            } else if (key.startsWith("oom")) {
                write(out, "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
            } else if (key.startsWith("loading")) {
                write(out, "-LOADING Redis is loading the dataset in memory\r\n");
            } else if (key.startsWith("busy")) {
                write(out, "-BUSY Redis is busy running a script.\r\n");
            } else {
                String v = "val-" + key;
                write(out, "$" + v.length() + "\r\n" + v + "\r\n");
            }
        }
    }

    /** One RESP command as text arguments, or null at EOF. */
    private static List<String> readCommand(InputStream in) throws IOException {
        String header = readLine(in);
        if (header == null) {
            return null;
        }
        if (header.charAt(0) != '*') {
            throw new IOException("not a RESP command: " + header);
        }
        int n = Integer.parseInt(header.substring(1));
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String len = readLine(in);
            if (len == null) {
                return null;
            }
            byte[] arg = in.readNBytes(Integer.parseInt(len.substring(1)) + 2);
            args.add(new String(arg, 0, Math.max(0, arg.length - 2), StandardCharsets.UTF_8));
        }
        return args;
    }
}
