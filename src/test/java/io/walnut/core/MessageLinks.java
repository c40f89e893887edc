package io.walnut.core;

/**
 * Links messages as the core does when it splits a request (parent, fragments, each key's fragment, each
 * fragment's reply), for benchmarks and tests outside this package that drive a protocol's merge by hand.
 */
public final class MessageLinks {
    private MessageLinks() {
    }

    /** Makes {@code fragments} the parent's, {@code keyFragment[i]} the fragment carrying key {@code i}. */
    public static void setFragments(Message parent, Message[] fragments, int[] keyFragment) {
        parent.fragments = fragments;
        parent.fragmentCount = fragments.length;
        parent.keyFragment = keyFragment;
        for (Message f : fragments) {
            f.parent = parent;
        }
    }

    /** Makes {@code reply} the answer to {@code request}. */
    public static void setPeer(Message request, Message reply) {
        request.peer = reply;
    }
}
