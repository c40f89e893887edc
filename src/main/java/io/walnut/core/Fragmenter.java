package io.walnut.core;

import io.netty.buffer.ByteBuf;
import io.walnut.dist.Placement;
import io.walnut.proto.Protocol;
import io.walnut.stats.PoolMetric;

import java.util.Arrays;

/**
 * Splits a request over the servers of its keys.
 *
 * <p>Fragmented commands (redis MGET, MSET, DEL, UNLINK, TOUCH, EXISTS; memcached get, gets) become one fragment
 * per server, in server-index order as twemproxy queues them, each holding that server's keys in their original
 * order. The parent keeps, per key, the fragment that carries it (twemproxy's {@code frag_seq}), which the
 * protocol's merge walks to put the replies back in key order.
 *
 * <p>Gathered commands (redis ZUNION, ZINTER, ZDIFF) go whole to the first key's server when every key lives
 * there; otherwise phase one reads the other servers' keys (one fragment per server) and phase two sends the
 * first key's server one request that copies them in and runs the command.
 *
 * <p>One per event loop and pool; its scratch arrays are reused, so splitting allocates only the fragments.
 */
final class Fragmenter {
    private static final int FRAGMENTS = PoolMetric.FRAGMENTS.ordinal();
    private static final int NONE = -1;

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

    /** Client receive for a fragmented request: queues its fragments on their servers. */
    void split(Message parent, Placement placement) {
        group(parent, placement, NONE);
        dispatch(parent, false);
    }

    /** Client receive for a gathered request: whole to the first key's server, or phase one. */
    void gather(Message parent, Placement placement) {
        int target = parent.serverOfKey(placement, 0);
        parent.serverIndex = target;
        if (group(parent, placement, target) == 0) {
            parent.fragmentCount = 0;
            connections.connectionFor(target).enqueue(parent);
        } else {
            dispatch(parent, true);
        }
    }

    /**
     * Phase one of a gathered request is done and none failed: sends phase two. False when phase one's
     * replies were not what the protocol needs.
     */
    boolean gathered(Message parent) {
        Worker worker = connections.worker;
        ByteBuf run = connections.pool.protocol().gathered(Worker.ALLOCATOR, parent, parent.keyFragment);
        if (run == null) {
            return false;
        }
        for (int f = 0; f < parent.fragmentCount; f++) {
            worker.release(parent.fragments[f]);
            parent.fragments[f] = null;
        }
        parent.gathered = true;
        parent.fragmentCount = 1;
        parent.fragmentsDone = 0;
        Message phaseTwo = newFragment(parent, parent.serverIndex);
        phaseTwo.setBuf(run);
        parent.fragments[0] = phaseTwo;
        connections.connectionFor(parent.serverIndex).enqueue(phaseTwo);
        return true;
    }

    /**
     * Groups the keys by server, leaving out those on {@code skipServer} (their fragment is {@link #NONE});
     * returns the number of fragments.
     */
    private int group(Message parent, Placement placement, int skipServer) {
        int keys = parent.keyCount();
        if (serverOfKey.length < keys) {
            serverOfKey = new int[Math.max(keys, serverOfKey.length * 2)];
            keysByFragment = new int[serverOfKey.length];
        }
        Arrays.fill(keysPerServer, 0);
        for (int i = 0; i < keys; i++) {
            int server = parent.serverOfKey(placement, i);
            serverOfKey[i] = server;
            if (server != skipServer) {
                keysPerServer[server]++;
            }
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
        for (int i = 0; i < keys; i++) {
            int s = serverOfKey[i];
            if (s == skipServer) {
                parent.keyFragment[i] = NONE;
            } else {
                parent.keyFragment[i] = fragmentOfServer[s];
                keysByFragment[runEnd[s]++] = i;
            }
        }
        return fragments;
    }

    private static void prepare(Message parent, int fragments, int keys) {
        if (parent.fragments == null || parent.fragments.length < Math.max(fragments, 1)) {
            parent.fragments = new Message[Math.max(fragments, 4)];
        }
        if (parent.keyFragment == null || parent.keyFragment.length < keys) {
            parent.keyFragment = new int[Math.max(keys, 16)];
        }
        parent.fragmentCount = fragments;
        parent.fragmentsDone = 0;
    }

    private void dispatch(Message parent, boolean gathering) {
        Worker worker = connections.worker;
        // twemproxy never counts fragments (its counter stays 0); Walnut counts each one it creates.
        connections.stats[FRAGMENTS] += parent.fragmentCount;
        for (int s = 0; s < keysPerServer.length; s++) {
            int count = keysPerServer[s];
            if (count > 0) {
                Message fragment = newFragment(parent, s);
                int from = runEnd[s] - count;
                Protocol protocol = connections.pool.protocol();
                fragment.setBuf(gathering
                        ? protocol.gather(Worker.ALLOCATOR, parent, keysByFragment, from, count)
                        : protocol.fragment(Worker.ALLOCATOR, parent, keysByFragment, from, count));
                parent.fragments[fragmentOfServer[s]] = fragment;
            }
        }
        // Queued only once all are built: a fragment that fails at once must find its siblings in place.
        for (int f = 0; f < parent.fragmentCount; f++) {
            Message fragment = parent.fragments[f];
            connections.connectionFor(fragment.serverIndex).enqueue(fragment);
        }
    }

    private Message newFragment(Message parent, int server) {
        Message fragment = connections.worker.messages.take();
        fragment.parent = parent;
        fragment.client = parent.client;
        fragment.command = parent.command;
        fragment.serverIndex = server;
        return fragment;
    }
}
