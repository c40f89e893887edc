package io.walnut.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each rule twemproxy applies, with its exact message and the line Walnut points at. */
class ConfigRejectionTest {

    /** A valid pool; cases add or change one thing. */
    static final String POOL = "alpha:\n  listen: 127.0.0.1:22121\n  servers:\n   - 127.0.0.1:6379:1\n";

    @TempDir
    Path dir;

    static Stream<Arguments> documents() {
        return Stream.of(
                arguments("empty file", "", "conf: '<file>' must contain only 1 document; found 0 documents", 0),
                arguments("comments only", "# nothing\n",
                        "conf: '<file>' must contain only 1 document; found 0 documents", 0),
                arguments("two documents", POOL + "---\n" + POOL,
                        "conf: '<file>' must contain only 1 document; found 2 documents", 6));
    }

    static Stream<Arguments> tokens() {
        return Stream.of(
                arguments("explicit start", "---\n" + POOL, "conf: document start token (5) is disallowed", 1),
                arguments("explicit end", POOL + "...\n", "conf: document end token (6) is disallowed", 5),
                arguments("version directive", "%YAML 1.1\n---\n" + POOL,
                        "conf: version directive token (3) is disallowed", 1),
                arguments("tag directive", "%TAG !e! tag:example.com,2000:\n---\n" + POOL,
                        "conf: tag directive token (4) is disallowed", 1),
                arguments("flow sequence", "alpha:\n  listen: 127.0.0.1:22121\n  servers: [127.0.0.1:6379:1]\n",
                        "conf: flow sequence start token (10) is disallowed", 3),
                arguments("flow mapping", "alpha: {listen: 127.0.0.1:22121}\n",
                        "conf: flow mapping start token (12) is disallowed", 1),
                arguments("anchor", POOL.replace("listen: ", "listen: &l "),
                        "conf: anchor token (19) is disallowed", 2),
                arguments("tag", POOL + "  redis: !!str true\n", "conf: tag token (20) is disallowed", 5));
    }

    static Stream<Arguments> syntax() {
        return Stream.of(
                arguments("tab indentation", "alpha:\n\tlisten: 127.0.0.1:22121\n",
                        "conf: failed (err 3) to get the next yaml document", 2),
                arguments("unterminated quote", "alpha:\n  listen: \"127.0.0.1:22121\n",
                        "conf: failed (err 3) to get the next yaml document", 3),
                arguments("sequence then mapping", "- a\nb: c\n",
                        "conf: failed (err 4) to get the next yaml document", 2),
                arguments("undefined alias", POOL.replace("127.0.0.1:22121", "*nowhere"),
                        "conf: failed (err 5) to get the next yaml document", 2),
                arguments("control character", POOL + "  hash: md\u00015\n",
                        "conf: failed (err 2) to get the next yaml document", 5));
    }

    static Stream<Arguments> structure() {
        return Stream.of(
                arguments("root scalar", "alpha\n", "conf: '<file>' has invalid empty \"key:\" at depth 0", 1),
                arguments("pool with scalar value", "alpha: beta\n",
                        "conf: '<file>' has invalid mapping \"key:\" at depth 1", 1),
                arguments("root sequence", "- alpha\n", "conf: '<file>' has sequence at depth 0 instead of 2", 1),
                arguments("pool with list value", "alpha:\n  - 127.0.0.1:6379:1\n",
                        "conf: '<file>' has sequence at depth 1 instead of 2", 2),
                arguments("mapping as pool name", "?\n  a: b\n: c\n",
                        "conf: '<file>' has more than one \"key:value\" at depth 1", 2),
                arguments("nested mapping", POOL + "  extra:\n    key: value\n",
                        "conf: '<file>' has a depth greater than 2", 6),
                arguments("no servers", "alpha:\n  listen: 127.0.0.1:22121\n",
                        "conf: '<file>' missing sequence directive at depth 2", 3),
                arguments("servers with nothing", "alpha:\n  listen: 127.0.0.1:22121\n  servers:\n",
                        "conf: '<file>' missing sequence directive at depth 2", 4),
                arguments("second list", POOL + "  sentinels:\n   - 127.0.0.1:26379:1\n",
                        "conf: '<file>' has more than one sequence directive", 6),
                arguments("nested list", "alpha:\n  listen: 127.0.0.1:22121\n  servers:\n   - - a\n",
                        "conf: '<file>' has more than one sequence directive", 4),
                arguments("list item ending in a colon is a mapping",
                        POOL.replace("127.0.0.1:6379:1", "127.0.0.1:6379:"), "conf: '<file>' has a depth greater than 2", 4),
                arguments("list as key", "alpha:\n  listen: 127.0.0.1:22121\n  ?\n    - a\n  : b\n",
                        "conf: '<file>' has invalid \"key:value\" at depth 2", 4));
    }

    static Stream<Arguments> emptyScalars() {
        return Stream.of(
                arguments("empty value", POOL + "  hash:\n", "", 5),
                arguments("empty quoted hash tag", POOL + "  hash_tag: \"\"\n", "", 5),
                arguments("empty server", POOL + "   - ''\n", "", 5),
                arguments("empty pool name", POOL.replace("alpha", "\"\""), "", 1),
                arguments("empty key", POOL + "  '': md5\n", "", 5));
    }

    static Stream<Arguments> keys() {
        return Stream.of(
                arguments("reuseport", POOL + "  reuseport: true\n", "conf: directive \"reuseport\" is unknown", 5),
                arguments("case matters", POOL + "  Hash: md5\n", "conf: directive \"Hash\" is unknown", 5),
                arguments("duplicate hash", POOL + "  hash: md5\n  hash: md5\n",
                        "conf: directive \"hash\" is a duplicate", 6),
                arguments("duplicate listen", POOL + "  listen: 127.0.0.1:22122\n",
                        "conf: directive \"listen\" is a duplicate", 5),
                arguments("list under another key sets it per item", "alpha:\n  listen: 127.0.0.1:22121\n"
                        + "  hash:\n   - md5\n   - crc16\n", "conf: directive \"hash\" is a duplicate", 5),
                arguments("bad hash", POOL + "  hash: md4\n", "conf: directive \"hash\" is not a valid hash", 5),
                arguments("upper-case hash", POOL + "  hash: MD5\n",
                        "conf: directive \"hash\" is not a valid hash", 5),
                arguments("null is a string", POOL + "  hash: ~\n", "conf: directive \"hash\" is not a valid hash", 5),
                arguments("bad distribution", POOL + "  distribution: consistent\n",
                        "conf: directive \"distribution\" is not a valid distribution", 5),
                arguments("one-byte hash tag", POOL + "  hash_tag: \"{\"\n",
                        "conf: directive \"hash_tag\" is not a valid hash tag string with two characters", 5),
                arguments("three-byte hash tag", POOL + "  hash_tag: \"{}}\"\n",
                        "conf: directive \"hash_tag\" is not a valid hash tag string with two characters", 5),
                arguments("negative number", POOL + "  timeout: -5\n", "conf: directive \"timeout\" is not a number", 5),
                arguments("number with unit", POOL + "  timeout: 4s\n", "conf: directive \"timeout\" is not a number", 5),
                arguments("number over int", POOL + "  backlog: 2147483648\n",
                        "conf: directive \"backlog\" is not a number", 5),
                arguments("yes is no bool", POOL + "  redis: yes\n",
                        "conf: directive \"redis\" is not \"true\" or \"false\"", 5),
                arguments("True is no bool", POOL + "  preconnect: True\n",
                        "conf: directive \"preconnect\" is not \"true\" or \"false\"", 5),
                arguments("1 is no bool", POOL + "  tcpkeepalive: 1\n",
                        "conf: directive \"tcpkeepalive\" is not \"true\" or \"false\"", 5));
    }

    static Stream<Arguments> pools() {
        return Stream.of(
                arguments("listen missing", "alpha:\n  hash: md5\n  servers:\n   - 127.0.0.1:6379:1\n",
                        "conf: directive \"listen:\" is missing", 1),
                arguments("zero server connections", POOL + "  server_connections: 0\n",
                        "conf: directive \"server_connections:\" cannot be 0", 5),
                arguments("redis_auth on memcached", POOL + "  redis_auth: pw\n",
                        "conf: directive \"redis_auth:\" is only valid for a redis pool", 5),
                arguments("the list belongs to listen", "alpha:\n  listen:\n   - 127.0.0.1:22121\n",
                        "conf: pool 'alpha' has no servers", 1),
                arguments("same listen", POOL + POOL.replace("alpha", "beta"),
                        "conf: pools 'alpha' and 'beta' have the same listen address '127.0.0.1:22121'", 6),
                arguments("same pool name", POOL + POOL.replace("22121", "22122"),
                        "conf: '<file>' has pools with same name alpha'", 5));
    }

    static Stream<Arguments> listen() {
        String unixPool = "alpha:\n  listen: %s\n  servers:\n   - 127.0.0.1:6379:1\n";
        String invalidPerm = "conf: directive \"listen\" has an invalid file permission in \"socket_path permission\""
                + " format string";
        return Stream.of(
                arguments("no colon", POOL.replace("127.0.0.1:22121", "localhost"),
                        "conf: directive \"listen\" has an invalid \"hostname:port\" format string", 2),
                arguments("port 0", POOL.replace("22121", "0"),
                        "conf: directive \"listen\" has an invalid port in \"hostname:port\" format string", 2),
                arguments("port 65536", POOL.replace("22121", "65536"),
                        "conf: directive \"listen\" has an invalid port in \"hostname:port\" format string", 2),
                arguments("no port", POOL.replace("127.0.0.1:22121", "'127.0.0.1:'"),
                        "conf: directive \"listen\" has an invalid port in \"hostname:port\" format string", 2),
                arguments("bracketed IPv6", POOL.replace("127.0.0.1:22121", "\"[::1]:22121\""),
                        "conf: directive \"listen\" has an invalid value", 2),
                arguments("empty host", POOL.replace("127.0.0.1:22121", "\":22121\""),
                        "conf: directive \"listen\" has an invalid value", 2),
                arguments("permission above 0777", unixPool.formatted("/tmp/walnut-x.sock 01000"), invalidPerm, 2),
                arguments("negative permission", unixPool.formatted("/tmp/walnut-x.sock -1"), invalidPerm, 2),
                arguments("strtol overflow", unixPool.formatted("/tmp/walnut-x.sock 7777777777777777777777777"),
                        invalidPerm, 2),
                arguments("socket path of 108 bytes", unixPool.formatted("/" + "s".repeat(107)),
                        "conf: directive \"listen\" has an invalid value", 2));
    }

    static Stream<Arguments> servers() {
        String format = "\"hostname:port:weight [name]\"";
        String badFormat = "conf: directive \"servers\" has an invalid " + format
                + "or \"/path/unix_socket:weight [name]\" format string";
        return Stream.of(
                arguments("host only", POOL.replace("127.0.0.1:6379:1", "127.0.0.1"), badFormat, 4),
                arguments("no weight", POOL.replace("127.0.0.1:6379:1", "127.0.0.1:6379"), badFormat, 4),
                arguments("colon in unix path", POOL.replace("127.0.0.1:6379:1", "/tmp/a:b.sock:1"), badFormat, 4),
                arguments("weight not a number", POOL.replace("6379:1", "6379:x"),
                        "conf: directive \"servers\" has an invalid weight in " + format + " format string", 4),
                arguments("empty weight", POOL.replace("127.0.0.1:6379:1", "'127.0.0.1:6379:'"),
                        "conf: directive \"servers\" has an invalid weight in " + format + " format string", 4),
                arguments("zero weight", POOL.replace("6379:1", "6379:0"),
                        "conf: directive \"servers\" has a zero weight in " + format + " format string", 4),
                arguments("port 0", POOL.replace("6379:1", "0:1"),
                        "conf: directive \"servers\" has an invalid port in " + format + " format string", 4),
                arguments("port 70000", POOL.replace("6379:1", "70000:1"),
                        "conf: directive \"servers\" has an invalid port in " + format + " format string", 4),
                arguments("same host:port, other weight", POOL + "   - 127.0.0.1:6379:2\n",
                        "conf: pool 'alpha' has servers with same name '127.0.0.1:6379'", 5),
                arguments("same explicit name", POOL.replace(":1\n", ":1 a\n") + "   - 127.0.0.1:6380:1 a\n",
                        "conf: pool 'alpha' has servers with same name 'a'", 5),
                arguments("names compare as C strings", "alpha:\n  listen: 127.0.0.1:22121\n  servers:\n"
                                + "   - \"127.0.0.1:6379:1 a\\0b\"\n   - \"127.0.0.1:6380:1 a\\0c\"\n",
                        "conf: pool 'alpha' has servers with same name 'a'", 5),
                arguments("11211 drops the port", POOL.replace("6379", "11211") + "   - 127.0.0.1:11211:2\n",
                        "conf: pool 'alpha' has servers with same name '127.0.0.1'", 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"documents", "tokens", "syntax", "structure", "emptyScalars", "keys", "pools", "listen",
            "servers"})
    void rejectsAsTwemproxyDoes(String rule, String yaml, String message, int line) throws IOException {
        Path file = dir.resolve("bad.yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e).as(rule).isNotNull();
        assertThat(e.twemproxyMessage()).isEqualTo(message.replace("<file>", file.toString()));
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.getMessage()).contains(file + (line > 0 ? ":" + line + ": " : ": "));
    }

    @Test
    void aMissingFileGivesStrerror() {
        Path file = dir.resolve("missing.yml");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.twemproxyMessage())
                .isEqualTo("conf: failed to open configuration '" + file + "': No such file or directory");
    }

    @Test
    void aDirectoryIsAReaderError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(dir));

        assertThat(e.twemproxyMessage()).isEqualTo("conf: failed (err 2) to get the next yaml document");
    }

    @Test
    void invalidUtf8IsAReaderError() throws IOException {
        Path file = dir.resolve("latin1.yml");
        Files.write(file, (POOL + "  redis_auth: \u00e9\n").getBytes(StandardCharsets.ISO_8859_1));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.twemproxyMessage()).isEqualTo("conf: failed (err 2) to get the next yaml document");
    }

    @Test
    void theDetailSaysPoolKeyAndWhy() throws IOException {
        Path file = dir.resolve("hash.yml");
        Files.writeString(file, POOL + "  hash: md4\n");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e.getMessage()).isEqualTo("conf: directive \"hash\" is not a valid hash (" + file
                + ":5: pool 'alpha': key 'hash': 'md4' is not one of one_at_a_time, md5, crc16, crc32, crc32a,"
                + " fnv1_64, fnv1a_64, fnv1_32, fnv1a_32, hsieh, murmur, jenkins)");
    }
}
