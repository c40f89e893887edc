package io.walnut.config;

import org.snakeyaml.engine.v2.events.Event;

import java.util.Iterator;

/**
 * twemproxy's structure pass over the events: the root is a mapping of pool names to mappings (depth at most
 * 2) and each pool holds scalar {@code key: value} pairs plus exactly one block sequence. It keeps twemproxy's
 * state (depth, scalars seen per depth, whether the pool's sequence was seen) so that odd files fail with the
 * same message, e.g. a nested list reports "more than one sequence directive".
 */
final class StructureCheck {

    private static final int ROOT_DEPTH = 1;
    private static final int MAX_DEPTH = 2;

    private final ConfigFile file;
    private final int[] scalarsAtDepth = new int[MAX_DEPTH + 1];
    private int depth;
    private boolean sequenceSeen;

    StructureCheck(ConfigFile file) {
        this.file = file;
    }

    void check(Iterator<Event> events) throws ConfigException {
        while (events.hasNext()) {
            Event event = events.next();
            int line = event.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
            switch (event.getEventId()) {
                case MappingStart -> mappingStart(line);
                case MappingEnd -> mappingEnd(line);
                case SequenceStart -> sequenceStart(line);
                case SequenceEnd -> scalarsAtDepth[depth] = 0;
                case Scalar -> scalar(line);
                default -> {
                    // stream and document boundaries carry no structure
                }
            }
        }
    }

    private void mappingStart(int line) throws ConfigException {
        if (depth == ROOT_DEPTH && scalarsAtDepth[depth] != 1) {
            throw fail(line, "has more than one \"key:value\" at depth " + depth,
                    "a pool must be a plain name followed by a mapping of its keys");
        }
        if (depth >= MAX_DEPTH) {
            throw fail(line, "has a depth greater than " + MAX_DEPTH,
                    "pool keys take a scalar or a list of scalars, not a nested mapping");
        }
        depth++;
    }

    private void mappingEnd(int line) throws ConfigException {
        if (depth == MAX_DEPTH) {
            if (!sequenceSeen) {
                throw fail(line, "missing sequence directive at depth " + depth,
                        "the pool ending here has no list; give it 'servers:' with '- host:port:weight' items");
            }
            sequenceSeen = false;
        }
        depth--;
        scalarsAtDepth[depth] = 0;
    }

    private void sequenceStart(int line) throws ConfigException {
        if (sequenceSeen) {
            throw fail(line, "has more than one sequence directive",
                    "a pool may hold only one list (its 'servers:'), and list items must be scalars");
        }
        if (depth != MAX_DEPTH) {
            throw fail(line, "has sequence at depth " + depth + " instead of " + MAX_DEPTH,
                    "a list may only be the value of a key inside a pool");
        }
        if (scalarsAtDepth[depth] != 1) {
            throw fail(line, "has invalid \"key:value\" at depth " + depth, "a list may only be a key's value");
        }
        sequenceSeen = true;
    }

    private void scalar(int line) throws ConfigException {
        if (depth == 0) {
            throw fail(line, "has invalid empty \"key:\" at depth " + depth,
                    "the file must be a mapping of pool names, not a single scalar");
        }
        if (depth == ROOT_DEPTH && scalarsAtDepth[depth] != 0) {
            throw fail(line, "has invalid mapping \"key:\" at depth " + depth,
                    "a pool name must be followed by a mapping of its keys, not by a scalar");
        }
        if (depth == MAX_DEPTH && scalarsAtDepth[depth] == 2) {
            scalarsAtDepth[depth] = 0;
        }
        scalarsAtDepth[depth]++;
    }

    private ConfigException fail(int line, String problem, String why) {
        return file.problem(line, "conf: " + file.quoted() + " " + problem, why);
    }
}
