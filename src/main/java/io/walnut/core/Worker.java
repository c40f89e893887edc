package io.walnut.core;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.walnut.proto.SliceAssembler;
import io.walnut.stats.LatencyHistogram;
import io.walnut.stats.StatsSnapshot;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event loop and everything it owns: its connections to every server of every pool, its message free list,
 * and the connections that have bytes to flush. Nothing here is shared with another loop, so the request path
 * takes no lock.
 *
 * <p>Writes are batched per loop iteration: a connection with new output asks to be flushed, and one task that
 * runs after the iteration's I/O flushes them all, so many requests that arrived in one iteration leave in one
 * write per server connection.
 *
 * <p>While many clients send ({@link #BATCHING_MIN_CLIENTS} or more within a few milliseconds), the loop also
 * writes to its servers at most once per batch window ({@code --batch-window-us}): a flush that writes starts
 * a window, and requests that come within it wait for its end, when every server connection with requests
 * waiting writes at once. Each write wakes a server, so batches of one or two requests cost the server a
 * wake-up and a read each; on a machine the proxy shares with its servers and clients that is most of their
 * CPU (docs/performance.md, item 11). One window for all servers keeps the fragments of a multi-key request
 * together. With few clients, each waiting for its last reply before it sends again, a window gathers little
 * and only adds latency, so their requests leave at once.
 *
 * <p>Client send holds back a client's ready replies while a request that came in the same read is still at a
 * server, for up to {@code --reply-hold-us}: a pipelining client waits for its whole batch anyway, and writing
 * the first replies of it alone costs the proxy and the client a write, a read and a wake-up more (item 13).
 */
final class Worker {
    /**
     * Clients sending on a loop from which a batch window applies: with 5 clients a 60 µs window raised p99 by
     * a fifth and moved no more requests.
     */
    static final int BATCHING_MIN_CLIENTS = 16;
    /** How many batch windows long a window is that a write of multi-key fragments starts. */
    static final int FRAGMENT_WINDOW_FACTOR = 2;
    /** Client activity is counted per period of 2^22 ns (4.2 ms): long against one client's request and reply. */
    private static final int ACTIVITY_PERIOD_SHIFT = 22;

    final EventLoop loop;
    final Transport transport;
    final MessagePool messages = new MessagePool();
    /** Assembles each flush of a connection's output: server send and client send. */
    final SliceAssembler output = new SliceAssembler();
    /**
     * One pooled allocator for every socket and every buffer the proxy builds. Its slices are recycled per
     * thread, so the slice a message holds costs no garbage (Netty 4.2's default adaptive allocator's do).
     */
    static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    final ConnectionCounts connectionCounts;
    /** This loop's share of every pool's stats, by pool index then {@link io.walnut.stats.PoolMetric}. */
    final long[][] poolStats;
    /** This loop's share of every server's stats: pool index, server index, {@link io.walnut.stats.ServerMetric}. */
    final long[][][] serverStats;
    /** This loop's request latencies: per pool (client view), and per server (queued to reply) by pool, server. */
    final LatencyHistogram[] poolLatency;
    final LatencyHistogram[][] serverLatency;
    private final StatsSnapshot stats;
    private final Map<ServerPool, ConnectionPool> pools = new IdentityHashMap<>();
    private final ArrayDeque<ServerConnection> toSend = new ArrayDeque<>();
    private final ArrayDeque<ClientConnection> toFlush = new ArrayDeque<>();
    private final Runnable flushTask = this::flushAll;
    private boolean flushScheduled;
    /** Server send's batch window (nanoseconds); 0 = every write leaves at the end of its loop iteration. */
    private final long batchWindowNanos;
    /** The longest client send holds ready replies for the rest of their read (nanoseconds); 0 = no hold. */
    final long replyHoldNanos;
    /** Clients sending from which the window applies: {@link #BATCHING_MIN_CLIENTS}, or fewer for the JIT warm-up. */
    private final int batchingMinClients;
    /** The activity period being counted, and how many clients sent in it and in the one before. */
    private long activityPeriod;
    private int clientsThisPeriod;
    private int clientsLastPeriod;
    /** While batching, no server write before this time (nanoTime). */
    private long windowEndsAt = System.nanoTime();
    /** A server write since the last window started: the end of this flush starts the next one. */
    private boolean wroteSinceWindow;
    /**
     * This flush wrote fragments of split multi-key requests: the window it starts lasts
     * {@link #FRAGMENT_WINDOW_FACTOR} times as long, since servers then spend more on each read of few
     * fragments than the wait costs a multi-key request, which waits for its slowest fragment anyway.
     */
    boolean wroteFragments;
    /** Server connections with requests held for the window to end. */
    private final ArrayDeque<ServerConnection> waitingForWindow = new ArrayDeque<>();
    /** Sends the waiting connections when the window ends. */
    private ScheduledFuture<?> windowTimer;
    private final Runnable windowTimerTask = this::windowEnded;
    /** Clients holding ready replies, and the timer that writes them when the hold has lasted long enough. */
    private final ArrayDeque<ClientConnection> holdingReplies = new ArrayDeque<>();
    private ScheduledFuture<?> replyHoldTimer;
    private final Runnable replyHoldTimerTask = this::replyHoldEnded;
    private long readTime;
    private boolean readTimeKnown;

    Worker(EventLoop loop, Transport transport, List<ServerPool> serverPools, ConnectionCounts connectionCounts,
           WriteBatching batching, int batchingMinClients) {
        this.loop = loop;
        this.batchWindowNanos = batching.windowNanos();
        this.replyHoldNanos = batching.replyHoldNanos();
        this.batchingMinClients = batchingMinClients;
        this.transport = transport;
        this.connectionCounts = connectionCounts;
        int[] servers = serverPools.stream().mapToInt(p -> p.config().servers().size()).toArray();
        this.stats = StatsSnapshot.zero(servers);
        this.poolStats = stats.pools();
        this.serverStats = stats.servers();
        this.poolLatency = stats.poolLatency();
        this.serverLatency = stats.serverLatency();
        for (ServerPool p : serverPools) {
            pools.put(p, new ConnectionPool(p, this));
        }
    }

    /**
     * The time (nanoTime) of the read being handled. The clock is read once per read, not per message: every
     * message of one read arrived together, and at pipeline depth 16 four clock readings per request cost
     * more than parsing it. Valid until {@link #readDone()}.
     */
    long readTime() {
        if (!readTimeKnown) {
            readTime = System.nanoTime();
            readTimeKnown = true;
        }
        return readTime;
    }

    /** The read being handled is over: the next {@link #readTime()} reads the clock again. */
    void readDone() {
        readTimeKnown = false;
    }

    ConnectionPool connections(ServerPool pool) {
        return pools.get(pool);
    }

    /** Server send is due on {@code s} at the end of this loop iteration. */
    void sendLater(ServerConnection s) {
        if (!s.sendScheduled) {
            s.sendScheduled = true;
            toSend.add(s);
            scheduleFlush();
        }
    }

    /** Client send is due on {@code c} at the end of this loop iteration. */
    void flushLater(ClientConnection c) {
        if (!c.flushScheduled) {
            c.flushScheduled = true;
            toFlush.add(c);
            scheduleFlush();
        }
    }

    /** Counts {@code c} among the clients sending in this activity period; {@code now} is a nanoTime. */
    void clientActive(ClientConnection c, long now) {
        long period = now >> ACTIVITY_PERIOD_SHIFT;
        if (c.activityPeriod == period) {
            return;
        }
        c.activityPeriod = period;
        if (period != activityPeriod) {
            clientsLastPeriod = period == activityPeriod + 1 ? clientsThisPeriod : 0;
            clientsThisPeriod = 0;
            activityPeriod = period;
        }
        clientsThisPeriod++;
    }

    /**
     * Whether server send on {@code s} waits for the batch window to end; if not, it writes now, and this
     * flush starts the next window.
     */
    boolean holdForWindow(ServerConnection s) {
        if (batchWindowNanos == 0 || Math.max(clientsThisPeriod, clientsLastPeriod) < batchingMinClients) {
            return false;
        }
        long now = System.nanoTime();
        if (now - windowEndsAt >= 0) {
            wroteSinceWindow = true;
            return false;
        }
        if (!s.waitingForWindow) {
            s.waitingForWindow = true;
            waitingForWindow.add(s);
        }
        if (windowTimer == null) {
            windowTimer = loop.schedule(windowTimerTask, windowEndsAt - now, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    private void windowEnded() {
        windowTimer = null;
        // A timer set in an earlier window may find a newer one begun (a flush after the old one's end wrote
        // and started it): its connections then wait for the newer window's end (docs/performance.md).
        for (int n = waitingForWindow.size(); n > 0; n--) {
            ServerConnection s = waitingForWindow.poll();
            s.waitingForWindow = false;
            s.sendQueued();
        }
        startWindowIfWritten();
    }

    /**
     * Client send on {@code c} holds its ready replies: they leave with the reply of the rest of their read, or
     * when the hold timer fires, {@link #replyHoldNanos} or less from now (one timer serves every client).
     */
    void holdReplies(ClientConnection c) {
        if (!c.repliesHeld) {
            c.repliesHeld = true;
            holdingReplies.add(c);
        }
        if (replyHoldTimer == null) {
            replyHoldTimer = loop.schedule(replyHoldTimerTask, replyHoldNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void replyHoldEnded() {
        replyHoldTimer = null;
        // Only the clients held so far: one that held again while these are written waits for the next timer.
        for (int n = holdingReplies.size(); n > 0; n--) {
            ClientConnection c = holdingReplies.poll();
            c.repliesHeld = false;
            c.writeDoneReplies(false);
        }
    }

    private void startWindowIfWritten() {
        if (wroteSinceWindow) {
            wroteSinceWindow = false;
            windowEndsAt = System.nanoTime() + (wroteFragments ? FRAGMENT_WINDOW_FACTOR : 1) * batchWindowNanos;
        }
        wroteFragments = false;
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask);
        }
    }

    private void flushAll() {
        flushScheduled = false;
        readDone();
        ServerConnection s;
        while ((s = toSend.poll()) != null) {
            s.sendScheduled = false;
            s.sendQueued();
        }
        startWindowIfWritten();
        ClientConnection c;
        while ((c = toFlush.poll()) != null) {
            c.flushScheduled = false;
            c.writeDoneReplies(true);
        }
    }

    /** Recycles a finished request with its reply and, for a fragmented request, its fragments and theirs. */
    void release(Message request) {
        for (int i = 0; i < request.fragmentCount; i++) {
            release(request.fragments[i]);
        }
        if (request.peer != null) {
            messages.recycle(request.peer);
        }
        messages.recycle(request);
    }

    /** Adds this loop's stats to {@code sum}; runs on this loop. */
    void addStatsTo(StatsSnapshot sum) {
        sum.add(stats);
    }

    void closeAll() {
        if (windowTimer != null) {
            windowTimer.cancel(false);
            windowTimer = null;
        }
        if (replyHoldTimer != null) {
            replyHoldTimer.cancel(false);
            replyHoldTimer = null;
        }
        for (ConnectionPool p : pools.values()) {
            p.closeAll();
        }
    }
}
