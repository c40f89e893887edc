package io.walnut.core;

/**
 * Test fixture: gives a parsed multi-key request the fragments the core would have made, each already answered,
 * so a protocol's merge can be tested on buffers alone.
 */
public final class FragmentFixture {
    private FragmentFixture() {
    }

    /**
     * Attaches one fragment per reply to {@code parent}; key {@code i} is carried by fragment
     * {@code fragmentOfKey[i]}, whose reply is {@code replies[fragmentOfKey[i]]}. The replies stay the caller's.
     */
    public static void answered(Message parent, int[] fragmentOfKey, Message... replies) {
        parent.fragments = new Message[replies.length];
        parent.fragmentCount = replies.length;
        parent.fragmentsDone = replies.length;
        parent.keyFragment = fragmentOfKey.clone();
        for (int f = 0; f < replies.length; f++) {
            Message fragment = new Message();
            fragment.parent = parent;
            fragment.peer = replies[f];
            parent.fragments[f] = fragment;
        }
    }
}
