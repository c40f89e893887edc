package io.walnut.bench;

import io.walnut.config.ServerSpec;
import io.walnut.dist.Ketama;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A ketama lookup over a continuum of 2, 16 or 100 servers, for hashes spread as real keys' are (one key over and
 * over, as in {@link HashBenchmark}, lets the CPU predict every branch of a search).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KetamaBenchmark {
    private static final int HASHES = 4096;

    @Param({"2", "16", "100"})
    public int servers;

    private Ketama ketama;
    private final int[] hashes = new int[HASHES];
    private int next;

    @Setup
    public void setUp() {
        List<ServerSpec> specs = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            String name = "10.0." + i / 200 + "." + (10 + i % 200) + ":6379";
            specs.add(new ServerSpec(i, name, name.substring(0, name.indexOf(':')), 6379, null, 1, name + ":1"));
        }
        ketama = Ketama.over(specs);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < HASHES; i++) {
            hashes[i] = random.nextInt();
        }
    }

    @Benchmark
    public int select() {
        return ketama.select(hashes[next++ & (HASHES - 1)]);
    }
}
