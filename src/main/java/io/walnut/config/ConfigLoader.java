package io.walnut.config;

import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Loads a twemproxy YAML file, accepting and rejecting exactly what nutcracker 0.5.0 does, in its order:
 * shape checks ({@link YamlShape}), then every key in file order ({@link PoolBuilder}), then per-pool and
 * cross-pool validation. Pool {@code listen} hosts are resolved here, once, as twemproxy does. Stateless and
 * safe to call from any thread.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /** The file's pools, sorted as twemproxy sorts them (name length, then bytes). */
    public static ProxyConfig load(Path path) throws ConfigException {
        ConfigFile file = new ConfigFile(path);
        YamlShape shape = new YamlShape(file, read(file));
        shape.check();
        List<PoolBuilder> builders = readPools(file, shape.events());
        List<PoolConfig> pools = new ArrayList<>();
        for (PoolBuilder builder : builders) {
            pools.add(builder.build());
        }
        rejectDuplicate(file, builders, PoolBuilder::listenText, ConfigLoader::sameListen);
        rejectDuplicate(file, builders, PoolBuilder::name, ConfigLoader::sameName);
        pools.sort(Comparator.comparing(PoolConfig::name, TwemproxyScalars.NAME_ORDER));
        return new ProxyConfig(path, pools);
    }

    private static String read(ConfigFile file) throws ConfigException {
        Path path = file.path();
        if (Files.isDirectory(path)) {
            throw file.problem(0, "conf: failed (err 2) to get the next yaml document", "it is a directory");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            String reason = e instanceof NoSuchFileException ? "No such file or directory"
                    : e instanceof AccessDeniedException ? "Permission denied" : e.getMessage();
            throw file.problem(0, "conf: failed to open configuration " + file.quoted() + ": " + reason,
                    "cannot read the file: " + reason);
        }
        try {
            return decode(bytes);
        } catch (CharacterCodingException e) {
            throw file.problem(0, "conf: failed (err 2) to get the next yaml document",
                    "the file is not valid UTF-8 (or UTF-16 with a byte order mark)");
        }
    }

    /** libyaml reads UTF-8, or UTF-16 when a byte order mark says so. */
    private static String decode(byte[] bytes) throws CharacterCodingException {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf) {
            skip = 3;
        }
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip))
                .toString();
    }

    /**
     * Walks the events of a file whose structure already passed: root mapping, then per pool a name and a
     * mapping of {@code key: scalar} pairs and one {@code key:} list. Each scalar value, and each list item,
     * goes to its key's handler, as twemproxy does (so a list under {@code hash:} sets the hash).
     */
    private static List<PoolBuilder> readPools(ConfigFile file, Iterator<Event> events) throws ConfigException {
        List<PoolBuilder> pools = new ArrayList<>();
        skipTo(events, Event.ID.MappingStart);
        Event event;
        for (event = events.next(); event.getEventId() == Event.ID.Scalar; event = events.next()) {
            PoolBuilder pool = new PoolBuilder(file, scalar(file, event, null), lineOf(event));
            expect(events.next(), Event.ID.MappingStart);
            readKeys(file, events, pool);
            pools.add(pool);
        }
        expect(event, Event.ID.MappingEnd);
        if (pools.isEmpty()) {
            throw file.problem(0, "conf: " + file.quoted() + " has no pools", "the file defines no pool");
        }
        return pools;
    }

    private static void readKeys(ConfigFile file, Iterator<Event> events, PoolBuilder pool) throws ConfigException {
        for (Event event = events.next(); event.getEventId() == Event.ID.Scalar; event = events.next()) {
            String key = scalar(file, event, pool);
            Event value = events.next();
            if (value.getEventId() == Event.ID.Scalar) {
                pool.apply(key, scalar(file, value, pool), lineOf(value));
                continue;
            }
            expect(value, Event.ID.SequenceStart);
            for (Event item = events.next(); item.getEventId() == Event.ID.Scalar; item = events.next()) {
                pool.apply(key, scalar(file, item, pool), lineOf(item));
            }
        }
    }

    /** A scalar's text; twemproxy refuses an empty one (key, value or item) without any message. */
    private static String scalar(ConfigFile file, Event event, PoolBuilder pool) throws ConfigException {
        String value = ((ScalarEvent) event).getValue();
        if (value.isEmpty()) {
            String where = pool == null ? "" : "pool '" + pool.name() + "': ";
            throw file.problem(lineOf(event), "",
                    where + "empty value; twemproxy rejects an empty scalar without saying so");
        }
        return value;
    }

    private static void skipTo(Iterator<Event> events, Event.ID id) {
        Event event = events.next();
        while (event.getEventId() != id) {
            event = events.next();
        }
    }

    private static void expect(Event event, Event.ID id) {
        if (event.getEventId() != id) {
            throw new IllegalStateException("structure check let through " + event + " where " + id + " belongs");
        }
    }

    private static int lineOf(Event event) {
        return event.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    }

    /** twemproxy sorts (stably) by the field and compares neighbours, so the earlier pool is named first. */
    private static void rejectDuplicate(ConfigFile file, List<PoolBuilder> pools, Function<PoolBuilder, String> field,
                                        DuplicateReport report) throws ConfigException {
        List<PoolBuilder> sorted = new ArrayList<>(pools);
        sorted.sort(Comparator.comparing(field, TwemproxyScalars.NAME_ORDER));
        for (int i = 1; i < sorted.size(); i++) {
            if (TwemproxyScalars.sameName(field.apply(sorted.get(i - 1)), field.apply(sorted.get(i)))) {
                throw report.problem(file, sorted.get(i - 1), sorted.get(i));
            }
        }
    }

    @FunctionalInterface
    private interface DuplicateReport {
        ConfigException problem(ConfigFile file, PoolBuilder first, PoolBuilder second);
    }

    private static ConfigException sameListen(ConfigFile file, PoolBuilder first, PoolBuilder second) {
        return file.problem(second.listenLine(), "conf: pools '" + first.name() + "' and '" + second.name()
                        + "' have the same listen address '" + first.listenText() + "'",
                "pool '" + second.name() + "' listens on '" + second.listenText() + "' as pool '" + first.name()
                        + "' does (line " + first.listenLine() + ")");
    }

    private static ConfigException sameName(ConfigFile file, PoolBuilder first, PoolBuilder second) {
        // twemproxy's message really has an unbalanced quote
        return file.problem(second.line(), "conf: " + file.quoted() + " has pools with same name "
                + TwemproxyScalars.printed(first.name()) + "'", "pool '" + second.name() + "' is also defined on line " + first.line());
    }
}
