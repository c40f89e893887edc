package io.walnut.stats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads twemproxy's stats document from a stats port and parses it with a strict small JSON parser (objects,
 * unescaped strings, integers), keeping key order. Values: {@link String}, {@link Long} or a nested ordered
 * {@code Map}. Anything else, a duplicate key or trailing bytes fail the parse.
 */
final class StatsDocument {
    private static final int READ_BOUND_MS = 5000;

    private final String text;
    private int at;

    private StatsDocument(String text) {
        this.text = text;
    }

    /** The raw document served on {@code 127.0.0.1:port}. */
    static String fetch(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_BOUND_MS);
            socket.setSoTimeout(READ_BOUND_MS);
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading stats from port " + port, e);
        }
    }

    /** Fetches and parses. */
    static Map<String, Object> read(int port) {
        return parse(fetch(port));
    }

    static Map<String, Object> parse(String text) {
        if (!text.endsWith("}\n")) {
            throw new IllegalArgumentException("the document does not end with }\\n: " + text);
        }
        StatsDocument p = new StatsDocument(text.substring(0, text.length() - 1));
        Map<String, Object> root = p.object();
        if (p.at != p.text.length()) {
            throw p.error("trailing bytes");
        }
        return root;
    }

    /** The value at a path of keys, e.g. {@code ("alpha", "127.0.0.1:6379", "requests")}. */
    @SuppressWarnings("unchecked")
    static long number(Map<String, Object> doc, String... path) {
        Object node = doc;
        for (String key : path) {
            if (!(node instanceof Map) || !((Map<String, Object>) node).containsKey(key)) {
                throw new AssertionError("no " + String.join("/", path) + " in " + doc);
            }
            node = ((Map<String, Object>) node).get(key);
        }
        return (Long) node;
    }

    private Map<String, Object> object() {
        expect('{');
        Map<String, Object> map = new LinkedHashMap<>();
        skipSpaces();
        if (peek() == '}') {
            at++;
            return map;
        }
        while (true) {
            skipSpaces();
            String key = string();
            expect(':');
            skipSpaces();
            Object value = value();
            if (map.put(key, value) != null) {
                throw error("duplicate key " + key);
            }
            skipSpaces();
            char c = next();
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                throw error("expected , or }");
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
        if (at == start || (at == start + 1 && c == '-')) {
            throw error("expected a value");
        }
        return Long.parseLong(text.substring(start, at));
    }

    private String string() {
        expect('"');
        int end = text.indexOf('"', at);
        if (end < 0) {
            throw error("unterminated string");
        }
        String s = text.substring(at, end);
        if (s.indexOf('\\') >= 0) {
            throw error("escapes are not expected");
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
            throw error("unexpected end");
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
            throw error("expected " + c);
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + at + " in: " + text);
    }
}
