package io.walnut.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watches for Netty's {@code LEAK:} reports (the tests run with the detector at paranoid) and reads the direct
 * memory the proxy's allocators hold: the channels' default allocator, which request and reply bytes are read
 * into, and the pooled one the proxy builds fragments and merges with. Open before the work, close after.
 */
final class LeakWatch implements AutoCloseable {
    private final Logger detectorLog = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    private final ListAppender<ILoggingEvent> reports = new ListAppender<>();

    LeakWatch() {
        reports.start();
        detectorLog.addAppender(reports);
    }

    /** Direct memory in use by both allocators now, in bytes. */
    static long usedDirectMemory() {
        long used = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT
                && ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            used += p.metric().usedDirectMemory();
        }
        return used;
    }

    /**
     * Runs {@code work} once to warm up, then {@code times} more, and fails if the direct memory held afterwards
     * grew by {@code maxGrowth} bytes or more: work that fails or finishes must give its buffers back.
     */
    static void assertMemoryBounded(long maxGrowth, int times, IntConsumer work) {
        work.accept(1);
        ProxyUnderTest.pause(java.time.Duration.ofMillis(200));
        long idle = usedDirectMemory();
        work.accept(times);
        ProxyUnderTest.pause(java.time.Duration.ofMillis(200));
        assertThat(usedDirectMemory() - idle).as("direct memory held after the work (idle %d bytes)", idle)
                .isLessThan(maxGrowth);
    }

    /**
     * Lets the garbage collector find unreleased buffers, then allocates, which makes the detector report them;
     * fails if it reported any since this watch opened.
     */
    void assertNoLeakReported() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (ByteBufAllocator a : List.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT)) {
                ByteBuf probe = a.directBuffer(64);
                probe.release();
            }
            ProxyUnderTest.pause(java.time.Duration.ofMillis(20));
        }
        List<String> leaks = reports.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("LEAK")).toList();
        assertThat(leaks).as("Netty leak reports").isEmpty();
    }

    @Override
    public void close() {
        detectorLog.detachAppender(reports);
        reports.stop();
    }
}
