package io.walnut.core;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A misbehaving "memcached" on a loopback port, for failure tests. It reads requests one at a time and answers
 * {@code get key...} by the first key's prefix, so a test chooses the misbehaviour by the key it asks for:
 * <ul>
 *   <li>{@code garbage} — a line that is not a memcached reply;</li>
 *   <li>{@code partial} — the start of a VALUE block, then it closes the connection (FIN);</li>
 *   <li>{@code extra} — {@code END} (a miss), then a stray {@code SERVER_ERROR object too large for cache};</li>
 *   <li>anything else — a VALUE block {@code val-<key>} per key, then {@code END}.</li>
 * </ul>
 * {@code set key flags exptime bytes}: a key starting {@code toolarge} gets
 * {@code SERVER_ERROR object too large for cache} as soon as the command line is read, before its data, which is
 * then read and dropped (as memcached does with an item over its size limit); any other key gets {@code STORED}.
 * Any other command gets {@code ERROR}.
 */
final class ScriptedMemcached extends ScriptedServer {
    static final String TOO_LARGE = "SERVER_ERROR object too large for cache\r\n";

    ScriptedMemcached() throws IOException {
        super("scripted-memcached");
    }

    @Override
    void serve(Socket s) throws IOException {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        for (String line = readLine(in); line != null; line = readLine(in)) {
            String[] words = line.trim().split(" +");
            if (words[0].equals("set")) {
                boolean tooLarge = words[1].startsWith("toolarge");
                if (tooLarge) {
                    write(out, TOO_LARGE);
                }
                in.readNBytes(Integer.parseInt(words[4]) + 2);
                if (!tooLarge) {
                    write(out, "STORED\r\n");
                }
            } else if (!words[0].equals("get")) {
                write(out, "ERROR\r\n");
            } else if (words[1].startsWith("garbage")) {
                write(out, "?what is this\r\n");
            } else if (words[1].startsWith("partial")) {
                write(out, "VALUE partial 0 10\r\nabc");
                closeCleanly(s, in);
                return;
            } else if (words[1].startsWith("extra")) {
                write(out, "END\r\n" + TOO_LARGE);
            } else {
                StringBuilder reply = new StringBuilder();
                for (int i = 1; i < words.length; i++) {
                    reply.append(value(words[i]));
                }
                write(out, reply.append("END\r\n").toString());
            }
        }
    }

    /** The VALUE block this script has for {@code key}. */
    static String value(String key) {
        String v = "val-" + key;
        return "VALUE " + key + " 0 " + v.length() + "\r\n" + v + "\r\n";
    }
}
