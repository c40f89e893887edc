package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RespLinesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*2\\r\\n$3     | 2  | 4",
        "$0\\r\\n\\r\\n   | 0  | 4",
        "$16\\r\\nkey   | 16 | 5",
        "*99\\r\\n$     | 99 | 5",
        "$10\\r\\n      | 10 | 5",
        // left to the general parsers: three digits, a leading zero, a sign, no digit, a CR without its LF
        "$100\\r\\n     | -1 |",
        "$05\\r\\nx     | -1 |",
        "$-1\\r\\n      | -1 |",
        "$\\r\\n12      | -1 |",
        "$1x\\r\\n      | -1 |",
        "$12\\rx\\n     | -1 |",
        "$1\\r\\r\\n     | -1 |",
        // fewer than five bytes in: left to the general parsers, which wait for the rest
        "$1\\r\\n       | -1 |",
    })
    void readsOneAndTwoDigitLinesOnly(String line, int value, Integer length) {
        ByteBuf buf = Unpooled.copiedBuffer("??" + line.replace("\\r", "\r").replace("\\n", "\n"),
                StandardCharsets.ISO_8859_1);
        assertThat(RespLines.shortNumber(buf, 2)).isEqualTo(value);
        if (length != null) {
            assertThat(RespLines.shortLineLength(value)).isEqualTo(length);
        }
        buf.release();
    }
}
