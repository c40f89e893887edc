package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.DecoderFeed;
import io.walnut.proto.Command.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MemcacheRequestDecoderTest {
    private final MessagePool pool = new MessagePool();

    /** What a decoded message says, as plain values that can be compared across feeding patterns. */
    record Decoded(String command, Route route, List<String> keys, String bytes, boolean noreply, String rejection,
                   boolean close) {
        static Decoded ok(String command, Route route, List<String> keys, String bytes) {
            return new Decoded(command, route, keys, bytes, false, null, false);
        }
    }

    private static final String KEY_250 = "k".repeat(250);
    private static final String PIPELINE = "get foo\r\n"
            + "gets a  b bb \r\n"
            + "set foo 5 0 3\r\nbar\r\n"
            + "add k 4294967295 100 5 noreply\r\nv\r\nvv\r\n"
            + "cas k 0 0 1 18446744073709551615\r\nx\r\n"
            + "incr n -10 noreply\r\n"
            + "decr n 3\r\n"
            + "touch t -1\r\n"
            + "delete d noreply  \r\n"
            + "append a 0 0 0\r\n\r\n"
            + "version\r\n"
            + "  get " + KEY_250 + "\r\n"
            + "get bare\nlf other\r\n"
            + "get only\nlf\r\n"
            + "quit\r\n";

    private static final List<Decoded> EXPECTED = List.of(
            Decoded.ok("get", Route.KEY, List.of("foo"), "get foo\r\n"),
            Decoded.ok("gets", Route.FRAGMENT, List.of("a", "b", "bb"), "gets a  b bb \r\n"),
            Decoded.ok("set", Route.KEY, List.of("foo"), "set foo 5 0 3\r\nbar\r\n"),
            new Decoded("add", Route.KEY, List.of("k"), "add k 4294967295 100 5 noreply\r\nv\r\nvv\r\n", true,
                    null, false),
            Decoded.ok("cas", Route.KEY, List.of("k"), "cas k 0 0 1 18446744073709551615\r\nx\r\n"),
            new Decoded("incr", Route.KEY, List.of("n"), "incr n -10 noreply\r\n", true, null, false),
            Decoded.ok("decr", Route.KEY, List.of("n"), "decr n 3\r\n"),
            Decoded.ok("touch", Route.KEY, List.of("t"), "touch t -1\r\n"),
            new Decoded("delete", Route.KEY, List.of("d"), "delete d noreply  \r\n", true, null, false),
            Decoded.ok("append", Route.KEY, List.of("a"), "append a 0 0 0\r\n\r\n"),
            Decoded.ok("version", Route.PLACEHOLDER, List.of(), "version\r\n"),
            Decoded.ok("get", Route.KEY, List.of(KEY_250), "  get " + KEY_250 + "\r\n"),
            // A key holding a bare LF can't exist in memcached: a miss, dropped; the rest is rebuilt.
            Decoded.ok("get", Route.FRAGMENT, List.of("other"), "get bare\nlf other\r\n"),
            new Decoded(null, null, List.of(), null, false, "END\r\n", false),
            Decoded.ok("quit", Route.QUIT, List.of(), "quit\r\n"));

    @Test
    void decodesAPipelineTheSameWhateverTheChunks() {
        for (List<String> chunks : DecoderFeed.everyWay(PIPELINE)) {
            assertThat(decode(chunks)).as("chunks of sizes %s", chunks.stream().map(String::length).toList())
                    .isEqualTo(EXPECTED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET foo", "stats", "flush_all", "gat 100 foo", "verbosity 1", "mg foo v", "mn", "",
        "   ", "bogus", "*2", "get\u0001 foo"})
    void unknownCommandsGetErrorAndTheStreamGoesOn(String line) {
        List<Decoded> got = decode(List.of(line + "\r\nget after\r\n"));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).rejection()).isEqualTo("ERROR\r\n");
        assertThat(got.get(0).close()).isFalse();
        assertThat(got.get(1).keys()).containsExactly("after");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "get|missing key (usage: get <key>+)",
        "'get   '|missing key (usage: get <key>+)",
        "incr n|missing value (usage: incr <key> <value> [noreply])",
        "incr n abc|bad value: expected a number (usage: incr <key> <value> [noreply])",
        "incr n -|bad value: expected a number (usage: incr <key> <value> [noreply])",
        "decr|missing key (usage: decr <key> <value> [noreply])",
        "touch k|missing exptime (usage: touch <key> <exptime> [noreply])",
        "delete k 0|unexpected argument: only noreply may follow (usage: delete <key> [noreply])",
        "delete k noreply x|unexpected argument after noreply (usage: delete <key> [noreply])",
        "delete a b|unexpected argument: only noreply may follow (usage: delete <key> [noreply])",
        "version extra|unexpected argument (usage: version)",
        "quit now|unexpected argument (usage: quit)",
    })
    void badLinesGetClientErrorAndTheStreamGoesOn(String line, String reason) {
        List<Decoded> got = decode(List.of(line + "\r\nget after\r\n"));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).rejection()).isEqualTo("CLIENT_ERROR " + reason + "\r\n");
        assertThat(got.get(0).close()).isFalse();
        assertThat(got.get(1).keys()).containsExactly("after");
    }

    @Test
    void keyWithACrIsRefused() {
        List<Decoded> got = decode(List.of("get a\rb\r\nget after\r\n"));
        assertThat(got.get(0).rejection()).isEqualTo("CLIENT_ERROR key contains a CR (usage: get <key>+)\r\n");
        assertThat(got.get(1).keys()).containsExactly("after");
    }

    @Test
    void keyOf251BytesIsRefused() {
        List<Decoded> got = decode(List.of("get a " + "k".repeat(251) + "\r\nget after\r\n"));
        assertThat(got.get(0).rejection()).startsWith("CLIENT_ERROR key longer than 250 bytes");
        assertThat(got.get(1).keys()).containsExactly("after");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "set k -1 0 1|bad flags: expected an unsigned 64-bit number",
        "set k 18446744073709551616 0 1|bad flags: expected an unsigned 64-bit number",
        "set k 0 -1 1|bad exptime: expected a non-negative number",
        "set k 0 9223372036854775808 1|bad exptime: expected a non-negative number",
        "set k 0 0 1 noreplyx|unexpected argument: only noreply may follow",
        "set k 0 0 1 7|unexpected argument: only noreply may follow",
        "cas k 0 0 1|missing cas unique",
        "cas k 0 0 1 -5|bad cas unique: expected an unsigned 64-bit number",
        "cas k 0 0 1 18446744073709551616|bad cas unique: expected an unsigned 64-bit number",
    })
    void refusedStorageCommandsHaveTheirDataSkipped(String line, String reason) {
        List<Decoded> got = decode(List.of(line + "\r\nx\r\nget after\r\n"));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).rejection()).startsWith("CLIENT_ERROR " + reason + " (usage: ");
        assertThat(got.get(0).close()).isFalse();
        assertThat(got.get(1).keys()).containsExactly("after");
    }

    @Test
    void storageKeyOf251BytesHasItsDataSkipped() {
        List<Decoded> got = decode(List.of("set " + "k".repeat(251) + " 0 0 1\r\nx\r\nget after\r\n"));
        assertThat(got.get(0).rejection()).startsWith("CLIENT_ERROR key longer than 250 bytes");
        assertThat(got.get(1).keys()).containsExactly("after");
    }

    @Test
    void oversizedValueIsSkippedAsItArrivesWithoutBuffering() {
        EmbeddedChannel ch = new EmbeddedChannel(new MemcacheRequestDecoder(pool));
        int length = MemcacheLineParser.MAX_DATA_LENGTH + 1;
        ch.writeInbound(bytes("set big 0 0 " + length + "\r\n"));
        assertThat(drain(ch)).extracting(Decoded::rejection)
                .containsExactly("CLIENT_ERROR bad bytes: expected a number up to 536870912 (usage: set <key> <flags> "
                        + "<exptime> <bytes> [noreply])\r\n");
        ByteBuf chunk = Unpooled.directBuffer(1 << 20).writeZero(1 << 20);
        for (int sent = 0; sent + chunk.capacity() <= length; sent += chunk.capacity()) {
            ch.writeInbound(chunk.retainedDuplicate());
        }
        chunk.release();
        ch.writeInbound(bytes("x".repeat(length % (1 << 20)) + "\r\nget after\r\n"));
        assertThat(drain(ch)).extracting(Decoded::keys).containsExactly(List.of("after"));
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "set k 0 0 2\r\nxyz\r\n",   // data longer than declared
        "set k 0 0 5\r\nab\r\n\r\n", // data shorter than declared: the 5 bytes are not followed by CRLF
        "set k 0 0 1\r\nxx",        // caught at the first wrong byte, without waiting for more
        "set k 0 0 x\r\nxx\r\n",    // <bytes> can't be read
        "set k 0 0\r\n",            // <bytes> missing
        "set k 0 0 99999999999\r\n", // <bytes> beyond int
        "\u0080\u0001\u0000\u0000",  // binary protocol
    })
    void outOfStepStreamsGetClientErrorThenClose(String bad) {
        List<Decoded> got = decode(List.of("get a\r\n" + bad + "get b\r\n"));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).keys()).containsExactly("a");
        assertThat(got.get(1).rejection()).startsWith("CLIENT_ERROR ");
        assertThat(got.get(1).close()).isTrue();
    }

    @Test
    void refusedDataNotEndingInCrlfAlsoCloses() {
        List<Decoded> got = decode(List.of("set k -1 0 1\r\nxy\r\nget b\r\n"));
        assertThat(got).extracting(Decoded::close).containsExactly(false, true);
        assertThat(got.get(1).rejection()).startsWith("CLIENT_ERROR bad data chunk");
    }

    @Test
    void anUnterminatedOverlongLineClosesWithoutBufferingMore() {
        EmbeddedChannel ch = new EmbeddedChannel(new MemcacheRequestDecoder(pool));
        String chunk = "get " + "k ".repeat(32 * 1024);
        List<Decoded> got = new ArrayList<>();
        for (int sent = 0; sent <= MemcacheRequestDecoder.MAX_LINE; sent += chunk.length()) {
            ch.writeInbound(bytes(chunk));
            got.addAll(drain(ch));
        }
        assertThat(got).extracting(Decoded::rejection)
                .containsExactly("CLIENT_ERROR line longer than 1048576 bytes\r\n");
        assertThat(got.get(0).close()).isTrue();
        ch.writeInbound(bytes("get after\r\n"));
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLongMultiGetWithinTheLineLimitIsAccepted() {
        StringBuilder line = new StringBuilder("get");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            keys.add("key:" + i);
            line.append(' ').append("key:").append(i);
        }
        List<Decoded> got = decode(List.of(line + "\r\n"));
        assertThat(got).singleElement().extracting(Decoded::keys).isEqualTo(keys);
    }

    private List<Decoded> decode(List<String> chunks) {
        return DecoderFeed.decode(new EmbeddedChannel(new MemcacheRequestDecoder(pool)), chunks, pool,
                MemcacheRequestDecoderTest::describe);
    }

    private List<Decoded> drain(EmbeddedChannel ch) {
        return DecoderFeed.drain(ch, pool, MemcacheRequestDecoderTest::describe);
    }

    private static Decoded describe(Message m) {
        List<String> keys = new ArrayList<>();
        if (!m.isRejected()) {
            for (int i = 0; i < m.keyCount(); i++) {
                keys.add(m.buf().toString(m.keyStart(i), m.keyLength(i), StandardCharsets.ISO_8859_1));
                assertThat(m.keyArgStart(i)).isEqualTo(m.keyStart(i));
            }
        }
        return new Decoded(m.command() == null ? null : m.command().commandName(),
                m.command() == null ? null : m.command().route(), keys,
                m.buf() == null ? null : m.buf().toString(StandardCharsets.ISO_8859_1), m.noreply(),
                m.isRejected() ? m.rejection().toString(StandardCharsets.ISO_8859_1) : null, m.closeAfter());
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
