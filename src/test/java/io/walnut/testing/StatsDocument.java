package io.walnut.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON document a twemproxy-style stats port writes on connect, read (bounded) and parsed by a strict little
 * parser: objects, strings without escapes and whole numbers, as twemproxy writes them; anything else fails. Objects
 * keep their key order ({@link LinkedHashMap}), numbers are {@link Long}s.
 */
public final class StatsDocument {
    private final String text;
    private int at;

    private StatsDocument(String text) {
        this.text = text;
    }

    /** Connects to 127.0.0.1:{@code port}, reads until the server closes, and parses what it wrote. */
    public static Map<String, Object> read(int port, Duration bound) {
        return parse(fetch(port, bound));
    }

    /** The raw document served on 127.0.0.1:{@code port}, read until the server closes (bounded). */
    public static String fetch(int port, Duration bound) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) bound.toMillis());
            socket.setSoTimeout((int) bound.toMillis());
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading stats from port " + port, e);
        }
    }

    /** The number at a path of keys, e.g. {@code ("alpha", "127.0.0.1:6379", "requests")}. */
    @SuppressWarnings("unchecked")
    public static long number(Map<String, Object> doc, String... path) {
        Object node = doc;
        for (String key : path) {
            if (!(node instanceof Map) || !((Map<String, Object>) node).containsKey(key)) {
                throw new AssertionError("no " + String.join("/", path) + " in " + doc);
            }
            node = ((Map<String, Object>) node).get(key);
        }
        return (Long) node;
    }

    /** The document as nested maps; fails on anything but one object followed by a newline. */
    public static Map<String, Object> parse(String text) {
        StatsDocument p = new StatsDocument(text);
        Map<String, Object> root = p.object();
        if (!text.substring(p.at).equals("\n")) {
            throw p.error("a newline, then the end");
        }
        return root;
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpaces();
        if (peek() == '}') {
            at++;
            return members;
        }
        for (;;) {
            skipSpaces();
            String name = string();
            expect(':');
            skipSpaces();
            if (members.put(name, value()) != null) {
                throw error("no repeated name \"" + name + "\"");
            }
            skipSpaces();
            char c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw error("',' or '}'");
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '{') {
            return object();
        }
        if (c == '"') {
            return string();
        }
        int start = at;
        if (c == '-') {
            at++;
        }
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (at == start || (c == '-' && at == start + 1)) {
            throw error("a value");
        }
        return Long.parseLong(text.substring(start, at));
    }

    private String string() {
        expect('"');
        int end = text.indexOf('"', at);
        if (end < 0) {
            throw error("a closing quote");
        }
        String s = text.substring(at, end);
        if (s.indexOf('\\') >= 0) {
            throw error("a string without escapes");
        }
        at = end + 1;
        return s;
    }

    private void skipSpaces() {
        while (at < text.length() && text.charAt(at) == ' ') {
            at++;
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("more");
        }
        return text.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            at--;
            throw error("'" + c + "'");
        }
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("stats JSON: expected " + expected + " at " + at + " in: " + text);
    }
}
