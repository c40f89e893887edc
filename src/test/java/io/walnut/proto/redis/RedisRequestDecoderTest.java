package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.DecoderFeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RedisRequestDecoderTest {
    private static final int MAX_KEY = 16384 - 48;
    private final MessagePool pool = new MessagePool();

    /** What a decoded message says, as plain values that can be compared across feeding patterns. */
    record Decoded(String command, List<String> keys, String bytes, String rejection, boolean close) {
    }

    private static final String PIPELINE = "*1\r\n$4\r\nPING\r\n"
            + "*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$3\r\nbar\r\n"
            + "*4\r\n$4\r\nMGET\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbb\r\n"
            + "*5\r\n$4\r\nMSET\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$2\r\nv2\r\n"
            + "*5\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\n1\r\n$3\r\nkey\r\n$3\r\narg\r\n"
            + "*4\r\n$6\r\nZUNION\r\n$1\r\n2\r\n$2\r\nz1\r\n$2\r\nz2\r\n"
            + "*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n"
            + "*2\r\n$4\r\nAuTh\r\n$2\r\npw\r\n"
            + "*1\r\n$4\r\nquit\r\n"
            // two-digit and three-digit lengths, and a leading zero, which the short-line reading leaves to the
            // general one
            + "*3\r\n$3\r\nSET\r\n$12\r\nkey:00000001\r\n$100\r\n" + "v".repeat(100) + "\r\n"
            + "*2\r\n$03\r\nGET\r\n$010\r\nkey:000002\r\n";

    private static final List<Decoded> EXPECTED = List.of(
            new Decoded("ping", List.of(), "*1\r\n$4\r\nPING\r\n", null, false),
            new Decoded("set", List.of("foo"), "*3\r\n$3\r\nset\r\n$3\r\nfoo\r\n$3\r\nbar\r\n", null, false),
            new Decoded("mget", List.of("a", "", "bb"), "*4\r\n$4\r\nMGET\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbb\r\n",
                    null, false),
            new Decoded("mset", List.of("k1", "k2"),
                    "*5\r\n$4\r\nMSET\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$2\r\nv2\r\n", null, false),
            new Decoded("eval", List.of("key"),
                    "*5\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\n1\r\n$3\r\nkey\r\n$3\r\narg\r\n", null, false),
            new Decoded("zunion", List.of("z1", "z2"), "*4\r\n$6\r\nZUNION\r\n$1\r\n2\r\n$2\r\nz1\r\n$2\r\nz2\r\n", null,
                    false),
            new Decoded(null, List.of(), null, "-ERR unsupported command 'KEYS'\r\n", false),
            new Decoded("auth", List.of("pw"), "*2\r\n$4\r\nAuTh\r\n$2\r\npw\r\n", null, false),
            new Decoded("quit", List.of(), "*1\r\n$4\r\nquit\r\n", null, false),
            new Decoded("set", List.of("key:00000001"),
                    "*3\r\n$3\r\nSET\r\n$12\r\nkey:00000001\r\n$100\r\n" + "v".repeat(100) + "\r\n", null,
                    false),
            new Decoded("get", List.of("key:000002"), "*2\r\n$03\r\nGET\r\n$010\r\nkey:000002\r\n", null, false));

    @Test
    void decodesAPipelineWhole() {
        assertThat(decode(List.of(PIPELINE))).isEqualTo(EXPECTED);
    }

    @Test
    void decodesAPipelineOneByteAtATime() {
        List<String> bytes = new ArrayList<>();
        for (char c : PIPELINE.toCharArray()) {
            bytes.add(String.valueOf(c));
        }
        assertThat(decode(bytes)).isEqualTo(EXPECTED);
    }

    /**
     * Requests with counts and lengths of one, two and three digits (the short-line reading and the general one),
     * fed in random pieces: each comes out whole, with its keys. Seeded, so a failure repeats.
     */
    @Test
    void decodesRandomRequestsInRandomPieces() {
        Random random = new Random(20261126);
        for (int trial = 0; trial < 50; trial++) {
            StringBuilder pipeline = new StringBuilder();
            List<Decoded> expected = new ArrayList<>();
            for (int r = 0; r < 20; r++) {
                boolean mset = random.nextBoolean();
                int keys = 1 + random.nextInt(60);
                List<String> args = new ArrayList<>(List.of(mset ? "MSET" : "MGET"));
                List<String> keyNames = new ArrayList<>();
                for (int k = 0; k < keys; k++) {
                    String key = "k".repeat(random.nextInt(150));
                    keyNames.add(key);
                    args.add(key);
                    if (mset) {
                        args.add("v".repeat(random.nextInt(150)));
                    }
                }
                String request = resp(args.toArray(new String[0]));
                pipeline.append(request);
                expected.add(new Decoded(mset ? "mset" : "mget", keyNames, request, null, false));
            }
            assertThat(decode(DecoderFeed.randomPieces(pipeline.toString(), 64, random))).as("trial %d", trial)
                    .isEqualTo(expected);
        }
    }

    @Test
    void decodesAPipelineSplitAtEveryIndex() {
        for (int cut = 1; cut < PIPELINE.length(); cut++) {
            assertThat(decode(List.of(PIPELINE.substring(0, cut), PIPELINE.substring(cut))))
                    .as("split at %d", cut).isEqualTo(EXPECTED);
        }
    }

    @Test
    void keyAtTheLimitIsAcceptedOneLongerIsRejectedAndTheStreamGoesOn() {
        String ok = "k".repeat(MAX_KEY - 1);
        String tooLong = "k".repeat(MAX_KEY);
        List<Decoded> got = decode(List.of(resp("GET", ok) + resp("GET", tooLong) + resp("GET", "x")));
        assertThat(got).hasSize(3);
        assertThat(got.get(0).keys()).containsExactly(ok);
        assertThat(got.get(1).rejection()).startsWith("-ERR key too long: 16336 bytes");
        assertThat(got.get(2).keys()).containsExactly("x");
    }

    @Test
    void oversizedValueOfAnUnsupportedCommandIsSkippedAsItArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new RedisRequestDecoder(pool, MAX_KEY));
        ch.writeInbound(bytes("*2\r\n$4\r\nKEYS\r\n$100000\r\n"));
        Message rejected = ch.readInbound();
        assertThat(rejected.isRejected()).isTrue();
        pool.recycle(rejected);
        for (int i = 0; i < 100; i++) {
            ch.writeInbound(bytes("x".repeat(1000)));
        }
        ch.writeInbound(bytes("\r\n" + resp("GET", "after")));
        List<Decoded> rest = drain(ch);
        assertThat(rest).extracting(Decoded::keys).containsExactly(List.of("after"));
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PING\r\n",                        // inline
        "*-1\r\n",                         // negative count
        "*x\r\n",                          // not a number
        "*2\r\n$3\r\nGET\r\n:1\r\n",       // not a bulk
        "*2\r\n$3\r\nGET\r\n$1\r\nab\r\n", // data longer than declared
        "*1\r\n$4\r\nPING\n",              // LF without CR
        "*1\r\n$600000000\r\n",            // beyond Redis's proto-max-bulk-len
        "*1\r\n$99999999999\r\n",          // beyond int
        "*123456789012\r\n",               // count beyond int
        "*2\r\n$3\r\nGET\r\n$1x\r\n",      // a short length that is not a number
        "*2\r\n$3\r\nGET\r\n$12\rx\r\n",    // CR without LF after a short length
    })
    void brokenFramingAnswersAnErrorClosesAndDiscardsTheRest(String bad) {
        List<Decoded> got = decode(List.of(resp("GET", "a") + bad + resp("GET", "b")));
        assertThat(got).hasSize(2);
        assertThat(got.get(0).keys()).containsExactly("a");
        assertThat(got.get(1).rejection()).startsWith("-ERR Protocol error: ");
        assertThat(got.get(1).close()).isTrue();
    }

    /** Later reads (io_uring may deliver one after reading stopped) are released unread, not buffered. */
    @Test
    void afterBrokenFramingOrDiscardInputLaterInputIsDroppedUnread() {
        EmbeddedChannel broken = new EmbeddedChannel(new RedisRequestDecoder(pool, MAX_KEY));
        broken.writeInbound(bytes("PING\r\n"));
        assertThat(drain(broken)).extracting(Decoded::close).containsExactly(true);
        ByteBuf later = bytes(resp("GET", "b") + "*2\r\n$3\r\nGET");
        broken.writeInbound(later);
        assertThat(later.refCnt()).isZero();
        assertThat(drain(broken)).isEmpty();
        assertThat(broken.finish()).isFalse();

        RedisRequestDecoder decoder = new RedisRequestDecoder(pool, MAX_KEY);
        EmbeddedChannel told = new EmbeddedChannel(decoder);
        told.writeInbound(bytes("*2\r\n$3\r\nSET\r\n"));
        decoder.discardInput();
        ByteBuf rest = bytes("$1\r\nk\r\n" + resp("GET", "b"));
        told.writeInbound(rest);
        assertThat(rest.refCnt()).isZero();
        assertThat(drain(told)).isEmpty();
        assertThat(told.finish()).isFalse();
    }

    @Test
    void emptyMultibulkIsRejectedButTheStreamGoesOn() {
        List<Decoded> got = decode(List.of("*0\r\n" + resp("GET", "a")));
        assertThat(got.get(0).rejection()).isEqualTo("-ERR Protocol error: empty request\r\n");
        assertThat(got.get(0).close()).isFalse();
        assertThat(got.get(1).keys()).containsExactly("a");
    }

    @Test
    void evalWithoutKeysIsRejected() {
        List<Decoded> got = decode(List.of(resp("EVAL", "return 1", "0", "x") + resp("EVAL", "return 1", "a", "x")));
        assertThat(got).extracting(Decoded::rejection).allMatch(r -> r.startsWith("-ERR Walnut routes eval"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PING hello", "MSET a 1 b", "COMMAND COUNT", "TTL", "GET a b"})
    void wrongArityAnswersAnErrorAndCloses(String command) {
        List<Decoded> got = decode(List.of(resp("GET", "a") + resp(command.split(" ")) + resp("GET", "b")));
        assertThat(got).hasSize(2);
        assertThat(got.get(1).rejection()).startsWith("-ERR wrong number of arguments for '");
        assertThat(got.get(1).close()).isTrue();
    }

    @Test
    void aBulkWhoseCrIsMisplacedFailsBeforeMoreBytesArrive() {
        EmbeddedChannel ch = new EmbeddedChannel(new RedisRequestDecoder(pool, MAX_KEY));
        ch.writeInbound(bytes("*1\r\n$5\r\nPING\r\n"));
        Message m = ch.readInbound();
        assertThat(m.rejection().toString(StandardCharsets.ISO_8859_1))
                .isEqualTo("-ERR Protocol error: bulk data does not end in CRLF\r\n");
        pool.recycle(m);
        assertThat(ch.finish()).isFalse();
    }

    private List<Decoded> decode(List<String> chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new RedisRequestDecoder(pool, MAX_KEY));
        List<Decoded> all = new ArrayList<>();
        for (String chunk : chunks) {
            ch.writeInbound(bytes(chunk));
            all.addAll(drain(ch));
        }
        assertThat(ch.finish()).isFalse();
        return all;
    }

    private List<Decoded> drain(EmbeddedChannel ch) {
        List<Decoded> out = new ArrayList<>();
        for (Message m; (m = ch.readInbound()) != null; ) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < m.keyCount(); i++) {
                keys.add(m.buf().toString(m.keyStart(i), m.keyLength(i), StandardCharsets.ISO_8859_1));
            }
            out.add(new Decoded(m.command() == null ? null : m.command().commandName(), keys,
                    m.buf() == null ? null : m.buf().toString(StandardCharsets.ISO_8859_1),
                    m.isRejected() ? m.rejection().toString(StandardCharsets.ISO_8859_1) : null, m.closeAfter()));
            pool.recycle(m);
        }
        return out;
    }

    static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
