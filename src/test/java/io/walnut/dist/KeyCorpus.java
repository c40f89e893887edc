package io.walnut.dist;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Keys that stress placement: plain ASCII, UTF-8 (bytes at and above 0x80 are where signedness bites), random
 * binary including CR, LF and NUL, hash-tag edge cases for {@code {}} and {@code $$}, long keys and the empty key.
 * Deterministic for a seed; no duplicates.
 */
final class KeyCorpus {
    private KeyCorpus() {
    }

    static List<byte[]> keys(long seed) {
        Map<String, byte[]> keys = new LinkedHashMap<>(); // keyed by ISO-8859-1 text, which is one char per byte
        add(keys, new byte[0]);
        for (int i = 0; i < 1000; i++) {
            add(keys, "key:" + i);
        }
        for (int i = 0; i < 100; i++) {
            add(keys, "ключ:" + i);
            add(keys, "été:" + i);
        }
        Random random = new Random(seed);
        while (keys.size() < 1600) {
            byte[] key = new byte[1 + random.nextInt(40)];
            random.nextBytes(key);
            add(keys, key);
        }
        for (int i = 0; i < 40; i++) {
            for (String template : List.of("user:{u%d}:x%d", "{}%d.%d", "a{}b%d.%d", "x{y%d.%d", "{%d.%d",
                    "}{a%d}%d", "{a%d}{b}%d", "{{a%d}}%d", "$u%d$:%d", "a$$%d.%d", "%d$%d")) {
                add(keys, String.format(template, i % 13, i));
            }
        }
        add(keys, "{");
        add(keys, "}");
        add(keys, "{}");
        add(keys, "$");
        for (int i = 0; i < 120; i++) {
            add(keys, "long" + i + ":" + "abcdefghij".repeat(10 + 15 * i / 10));
        }
        return new ArrayList<>(keys.values());
    }

    private static void add(Map<String, byte[]> keys, String key) {
        add(keys, key.getBytes(StandardCharsets.UTF_8));
    }

    private static void add(Map<String, byte[]> keys, byte[] key) {
        keys.putIfAbsent(new String(key, StandardCharsets.ISO_8859_1), key);
    }
}
