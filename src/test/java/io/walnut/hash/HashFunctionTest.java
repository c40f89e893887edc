package io.walnut.hash;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every vector of the reference's section 6.3, through heap, direct and offset buffers. */
class HashFunctionTest {

    /** Columns in the order of {@link #COLUMNS}; the first cell is the key ({@code ""} is the empty key). */
    private static final String VECTORS = """
            ""|00000000|d98c1dd4|00000000|00000000|00000000|84222325|84222325|811c9dc5|811c9dc5|00000000|00000000|deadbefc
            a|ca2e9442|b975c10c|00007c87|000068b7|e8b7be43|8601b7be|8601ec8c|050c5d7e|e40c292c|93642e87|4b41757c|e0a38690
            foo|238678dd|db18bdac|0c3caf96|00000c73|8c736521|6ba13533|fed9d577|408f5e13|a9f37ed7|76d4d427|c4e0338f|99f84f99
            foobar|f952fde7|22f65838|9effb025|00001ef6|9ef61f95|a4dda9c2|f73967e8|31f0b262|bf9cf968|07a5862c|abecff17|0fdd8b60
            hello world|3e4a5a57|bb3bb65e|f2063be4|00000d4a|0d4a1185|b1910e6f|023cd2e7|548da96f|d58b3fa7|4f799873|5e19153b|153343fb
            key:{user1}:x|f7e5cea1|79a32b60|f3b56de1|00005325|5325205c|571ecf92|8d61e930|09d8fe52|52960bd0|c74d92b9|5aee2a35|c775adba
            123456789|c66b58c5|94e7f925|869031c3|00004bf4|cbf43926|2bf916d6|23c6cdfc|24148816|bb86b11c|e4fc1670|b7760690|19777af6
            key:0|c0d4cec1|82ab86df|70128a20|00007c68|7c680b7a|fdc93304|962f5916|8964f7a4|57140e16|c3c83853|70f6b624|0dd56618
            key:1999|4f70f25e|9a16b3c6|84ffcf8a|0000443d|c43db881|42e233c8|1cb3e2d6|b06d6da8|ccc171d6|cfa388bf|9c860f48|e43746a5
            user1|48abc083|5ee1c924|52d5dfaa|00000c51|8c518555|5a8105dd|628ca359|14835dbd|a07d2cf9|577712d0|2db75f6c|c1dfedb1
            The quick brown fox jumps over the lazy dog|519e91f5|9d7d109e|22a3f0c8|0000414f|414fa339|7de37ace|e7e47110|e9c86c6e|048fff90|1c19ee97|30c79125|12b8163c
            été|7fcb4b35|1e6aafde|e626a767|000044d1|44d16cd4|ee202e17|ea769c57|bebb7c97|0beea017|cc955977|da710acb|89466c13
            abcdefghijklm|6d99f6dc|d1bdae22|72b79537|00005df4|ddf46ea2|3df1e6a2|398bc308|e589b522|3b8356e8|70ce5414|2987d8bb|b621e85f
            """;

    private static final HashFunction[] COLUMNS = {
        HashFunction.ONE_AT_A_TIME, HashFunction.MD5, HashFunction.CRC16, HashFunction.CRC32, HashFunction.CRC32A,
        HashFunction.FNV1_64, HashFunction.FNV1A_64, HashFunction.FNV1_32, HashFunction.FNV1A_32,
        HashFunction.HSIEH, HashFunction.MURMUR, HashFunction.JENKINS,
    };

    static List<Arguments> vectors() {
        List<Arguments> cases = new ArrayList<>();
        for (String line : VECTORS.strip().split("\n")) {
            String[] cells = line.split("\\|");
            String key = cells[0].equals("\"\"") ? "" : cells[0];
            for (int column = 0; column < COLUMNS.length; column++) {
                cases.add(Arguments.of(COLUMNS[column], key, Integer.parseUnsignedInt(cells[column + 1], 16)));
            }
        }
        return cases;
    }

    @Test
    void tableCoversAllTwelveFunctionsAndThirteenKeys() {
        assertThat(COLUMNS).containsExactlyInAnyOrder(HashFunction.values());
        assertThat(vectors()).hasSize(13 * 12);
    }

    @ParameterizedTest(name = "{0}(\"{1}\")")
    @MethodSource("vectors")
    void matchesTwemproxyOnHeapArrays(HashFunction function, String key, int expected) {
        assertThat(hex(function.hash(key.getBytes(StandardCharsets.UTF_8)))).isEqualTo(hex(expected));
    }

    @ParameterizedTest(name = "{0}(\"{1}\")")
    @MethodSource("vectors")
    void matchesTwemproxyInsideLargerDirectBuffer(HashFunction function, String key, int expected) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.directBuffer(bytes.length + 7);
        try {
            buf.writeBytes(new byte[] {'x', 'y', 'z'}).writeBytes(bytes).writeBytes(new byte[] {'{', '}', (byte) 0xff, 'q'});
            int before = buf.readerIndex();
            assertThat(hex(function.hash(buf, 3, bytes.length))).isEqualTo(hex(expected));
            assertThat(buf.readerIndex()).isEqualTo(before);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest(name = "{0}(\"{1}\")")
    @MethodSource("vectors")
    void matchesTwemproxyInsideHeapBufferWithArrayOffset(HashFunction function, String key, int expected) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[bytes.length + 10];
        System.arraycopy(bytes, 0, padded, 5, bytes.length);
        ByteBuf slice = Unpooled.wrappedBuffer(padded).slice(2, bytes.length + 6);
        assertThat(hex(function.hash(slice, 3, bytes.length))).isEqualTo(hex(expected));
    }

    @Test
    void md5ReadsLongDirectKeysAcrossScratchChunks() {
        byte[] key = new byte[1000];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 31);
        }
        ByteBuf direct = Unpooled.directBuffer(key.length).writeBytes(key);
        try {
            assertThat(HashFunction.MD5.hash(direct, 0, key.length)).isEqualTo(HashFunction.MD5.hash(key));
        } finally {
            direct.release();
        }
    }

    @Test
    void configNamesAreTwemproxySpellings() {
        assertThat(HashFunction.FNV1A_64.configName()).isEqualTo("fnv1a_64");
        assertThat(HashFunction.ONE_AT_A_TIME.configName()).isEqualTo("one_at_a_time");
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }
}
