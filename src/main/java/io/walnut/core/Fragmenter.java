package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.stats.PoolMetric;

import java.util.Arrays;

/**
 * Splits a multi-key request (redis MGET, MSET, DEL, UNLINK, TOUCH, EXISTS; memcached get, gets) into one
 * fragment per server, in server-index order as twemproxy queues them, each holding that server's keys in
 * their original order. The parent keeps, per key, the fragment that carries it (twemproxy's {@code frag_seq}),
 * which the protocol's merge walks to put the replies back in key order.
 *
 * <p>One per event loop and pool; its scratch arrays are reused, so splitting allocates only the fragments.
 */
final class Fragmenter {
    private static final int FRAGMENTS = PoolMetric.FRAGMENTS.ordinal();

    private final ConnectionPool connections;
    private final int[] keysPerServer;
    private final int[] fragmentOfServer;
    /** Per server: where its run of keys ends in {@link #keysByFragment} (a cursor while grouping). */
    private final int[] runEnd;
    private int[] serverOfKey = new int[64];
    /** Key indexes grouped by fragment, each run in request order. */
    private int[] keysByFragment = new int[64];

    Fragmenter(ConnectionPool connections, int servers) {
        this.connections = connections;
        this.keysPerServer = new int[servers];
        this.fragmentOfServer = new int[servers];
        this.runEnd = new int[servers];
    }

    /** Client receive for a multi-key request: queues its fragments on their servers. */
    void split(Message parent) {
        int keys = parent.keyCount();
        if (serverOfKey.length < keys) {
            serverOfKey = new int[Math.max(keys, serverOfKey.length * 2)];
            keysByFragment = new int[serverOfKey.length];
        }
        Placement placement = connections.pool.placement();
        Arrays.fill(keysPerServer, 0);
        for (int i = 0; i < keys; i++) {
            int server = placement.serverIndex(parent.buf, parent.keyStart(i), parent.keyLength(i));
            serverOfKey[i] = server;
            keysPerServer[server]++;
        }
        int fragments = 0;
        int at = 0;
        for (int s = 0; s < keysPerServer.length; s++) {
            if (keysPerServer[s] > 0) {
                fragmentOfServer[s] = fragments++;
                runEnd[s] = at;
                at += keysPerServer[s];
            }
        }
        prepare(parent, fragments, keys);
        // twemproxy never counts fragments (its counter stays 0); Walnut counts each one it creates.
        connections.stats[FRAGMENTS] += fragments;
        for (int i = 0; i < keys; i++) {
            int s = serverOfKey[i];
            parent.keyFragment[i] = fragmentOfServer[s];
            keysByFragment[runEnd[s]++] = i;
        }
        dispatch(parent);
    }

    private static void prepare(Message parent, int fragments, int keys) {
        if (parent.fragments == null || parent.fragments.length < fragments) {
            parent.fragments = new Message[Math.max(fragments, 4)];
        }
        if (parent.keyFragment == null || parent.keyFragment.length < keys) {
            parent.keyFragment = new int[Math.max(keys, 16)];
        }
        parent.fragmentCount = fragments;
        parent.fragmentsDone = 0;
    }

    private void dispatch(Message parent) {
        Worker worker = connections.worker;
        for (int s = 0; s < keysPerServer.length; s++) {
            int count = keysPerServer[s];
            if (count > 0) {
                Message fragment = worker.messages.take();
                fragment.parent = parent;
                fragment.client = parent.client;
                fragment.command = parent.command;
                fragment.serverIndex = s;
                fragment.buf = connections.pool.protocol()
                        .fragment(worker.alloc, parent, keysByFragment, runEnd[s] - count, count);
                parent.fragments[fragmentOfServer[s]] = fragment;
            }
        }
        // Queued only once all are built: a fragment that fails at once must find its siblings in place.
        for (int f = 0; f < parent.fragmentCount; f++) {
            Message fragment = parent.fragments[f];
            connections.connectionFor(fragment.serverIndex).enqueue(fragment);
        }
    }
}
