package io.walnut.bench;

import io.walnut.config.ServerSpec;
import io.walnut.dist.Ketama;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ketama lookup over a continuum of 2, 16 or 100 servers, for hashes spread as real keys' are (one key over and
 * over, as in {@link HashBenchmark}, lets the CPU predict every branch of a search).
 */
public class KetamaBenchmark extends NanoBenchmark {
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
