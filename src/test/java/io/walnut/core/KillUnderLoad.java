package io.walnut.core;

import io.walnut.testing.ExternalProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The choreography of the restart tests: clients load a proxy, a server is killed (SIGKILL) and restarted on its
 * port, and once the proxy uses it again the load stops; each client must end with error-free batches. The
 * caller checks the replies in its load and closes the victim.
 */
final class KillUnderLoad {
    /** One client's load until {@code stop}; returns how many batches in a row, at the end, had no error. */
    interface Load {
        int run(int client, AtomicBoolean stop);
    }

    private KillUnderLoad() {
    }

    /**
     * Runs {@code clients} loads, kills {@code victim}, restarts it with {@code restartOn} (given the port), waits
     * with {@code awaitServed} until the proxy uses it again, then stops the load and stops the restarted server.
     */
    static void run(int clients, Load load, ExternalProcess victim, IntFunction<ExternalProcess> restartOn,
                    Runnable awaitServed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        ExternalProcess restarted = null;
        try {
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<Integer>> running = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int client = t;
                running.add(pool.submit(() -> load.run(client, stop)));
            }
            ProxyUnderTest.pause(Duration.ofMillis(400));
            victim.kill();
            ProxyUnderTest.pause(Duration.ofMillis(500));
            restarted = restartOn.apply(victim.port());
            awaitServed.run();
            ProxyUnderTest.pause(Duration.ofMillis(300));
            stop.set(true);
            for (Future<Integer> f : running) {
                assertThat(f.get(20, TimeUnit.SECONDS)).as("batches after the restart").isPositive();
            }
        } finally {
            pool.shutdownNow();
            if (restarted != null) {
                restarted.close();
            }
        }
    }
}
