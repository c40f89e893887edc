package io.walnut.config;

import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One pool while its file is read: takes {@code key: value} pairs in file order with twemproxy's checks,
 * then {@link #build()} fills in twemproxy's defaults and runs its per-pool validation. Single-threaded.
 */
final class PoolBuilder {

    private static final String HASH_NAMES = Arrays.stream(HashFunction.values())
            .map(HashFunction::configName).collect(Collectors.joining(", "));
    private static final String DISTRIBUTION_NAMES = Arrays.stream(DistributionType.values())
            .map(DistributionType::configName).collect(Collectors.joining(", "));

    private final ConfigFile file;
    private final String name;
    private final int line;
    private final Map<Directive, Integer> keyLines = new EnumMap<>(Directive.class);
    private final Map<Directive, Integer> numbers = new EnumMap<>(Directive.class);
    private final Map<Directive, Boolean> flags = new EnumMap<>(Directive.class);
    private final List<ServerSpec> servers = new ArrayList<>();
    private final List<Integer> serverLines = new ArrayList<>();
    private ListenAddress listen;
    private HashFunction hash = HashFunction.FNV1A_64;
    private HashTag hashTag;
    private DistributionType distribution = DistributionType.KETAMA;
    private String redisAuth;

    PoolBuilder(ConfigFile file, String name, int line) {
        this.file = file;
        this.name = name;
        this.line = line;
    }

    String name() {
        return name;
    }

    int line() {
        return line;
    }

    /** The listen string as written, or null before one is set. */
    String listenText() {
        return listen == null ? null : listen.text();
    }

    int listenLine() {
        return keyLines.getOrDefault(Directive.LISTEN, line);
    }

    /** Applies one value of {@code key} (a scalar value, or one item of the pool's sequence). */
    void apply(String key, String value, int valueLine) throws ConfigException {
        Directive directive = Directive.byName(key);
        if (directive == null) {
            String why = key.equals("reuseport")
                    ? "'reuseport' came after twemproxy 0.5.0, which rejects it"
                    : "'" + key + "' is not a pool key (keys are case-sensitive)";
            throw file.problem(valueLine, "conf: directive \"" + key + "\" is unknown", where() + why);
        }
        Integer earlier = keyLines.get(directive);
        if (earlier != null && directive != Directive.SERVERS) {
            throw file.problem(valueLine, "conf: directive \"" + key + "\" is a duplicate",
                    where() + "'" + key + "' was already set on line " + earlier);
        }
        try {
            set(directive, value, valueLine);
        } catch (InvalidValueException e) {
            throw file.problem(valueLine, "conf: directive \"" + key + "\" " + e.reason(),
                    where() + "key '" + key + "': " + e.getMessage());
        }
        keyLines.putIfAbsent(directive, valueLine);
    }

    private void set(Directive directive, String value, int valueLine) throws InvalidValueException {
        switch (directive) {
            case LISTEN -> listen = ListenParser.parse(value);
            case HASH -> hash = hashFunction(value);
            case HASH_TAG -> hashTag = hashTag(value);
            case DISTRIBUTION -> distribution = distribution(value);
            case REDIS_AUTH -> redisAuth = value;
            case REDIS, TCPKEEPALIVE, PRECONNECT, AUTO_EJECT_HOSTS -> flags.put(directive, bool(value));
            case SERVERS -> {
                servers.add(ServerParser.parse(value));
                serverLines.add(valueLine);
            }
            default -> numbers.put(directive, number(value));
        }
    }

    private static HashFunction hashFunction(String value) throws InvalidValueException {
        for (HashFunction candidate : HashFunction.values()) {
            if (candidate.configName().equals(value)) {
                return candidate;
            }
        }
        throw new InvalidValueException("is not a valid hash", "'" + value + "' is not one of " + HASH_NAMES);
    }

    private static DistributionType distribution(String value) throws InvalidValueException {
        for (DistributionType candidate : DistributionType.values()) {
            if (candidate.configName().equals(value)) {
                return candidate;
            }
        }
        throw new InvalidValueException("is not a valid distribution",
                "'" + value + "' is not one of " + DISTRIBUTION_NAMES);
    }

    private static HashTag hashTag(String value) throws InvalidValueException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length != 2) {
            throw new InvalidValueException("is not a valid hash tag string with two characters",
                    "'" + value + "' is " + bytes.length + " bytes; a hash tag is exactly two, e.g. \"{}\"");
        }
        return new HashTag(bytes[0], bytes[1]);
    }

    private static boolean bool(String value) throws InvalidValueException {
        if (value.equals("true") || value.equals("false")) {
            return value.equals("true");
        }
        throw new InvalidValueException("is not \"true\" or \"false\"",
                "'" + value + "' must be exactly true or false, in lower case");
    }

    private static int number(String value) throws InvalidValueException {
        int number = TwemproxyScalars.atoi(value);
        if (number == TwemproxyScalars.NOT_A_NUMBER) {
            throw new InvalidValueException("is not a number",
                    "'" + value + "' must be decimal digits only (no sign, space or unit), below 2^31");
        }
        return number;
    }

    /** twemproxy's per-pool validation, in its order, then the record with defaults filled in. */
    PoolConfig build() throws ConfigException {
        if (listen == null) {
            throw file.problem(line, "conf: directive \"listen:\" is missing", where() + "a pool needs 'listen:'");
        }
        int serverConnections = numbers.getOrDefault(Directive.SERVER_CONNECTIONS, 1);
        if (serverConnections == 0) {
            throw file.problem(keyLines.get(Directive.SERVER_CONNECTIONS),
                    "conf: directive \"server_connections:\" cannot be 0", where() + "use 1 or more");
        }
        boolean redis = flags.getOrDefault(Directive.REDIS, false);
        if (!redis && redisAuth != null) {
            throw file.problem(keyLines.get(Directive.REDIS_AUTH),
                    "conf: directive \"redis_auth:\" is only valid for a redis pool",
                    where() + "'redis_auth' needs 'redis: true'");
        }
        return new PoolConfig(name, listen, hash, hashTag, distribution,
                numbers.getOrDefault(Directive.TIMEOUT, -1),
                numbers.getOrDefault(Directive.BACKLOG, 512),
                numbers.getOrDefault(Directive.CLIENT_CONNECTIONS, 0),
                redis, redisAuth,
                numbers.getOrDefault(Directive.REDIS_DB, 0),
                flags.getOrDefault(Directive.PRECONNECT, false),
                flags.getOrDefault(Directive.AUTO_EJECT_HOSTS, false),
                serverConnections,
                numbers.getOrDefault(Directive.SERVER_RETRY_TIMEOUT, 30_000),
                numbers.getOrDefault(Directive.SERVER_FAILURE_LIMIT, 2),
                flags.getOrDefault(Directive.TCPKEEPALIVE, false),
                sortedServers());
    }

    /** Servers in twemproxy's order (name length, then bytes), numbered by position; duplicate names fail. */
    private List<ServerSpec> sortedServers() throws ConfigException {
        if (servers.isEmpty()) {
            throw file.problem(line, "conf: pool '" + name + "' has no servers",
                    where() + "the pool's list belongs to another key; add a 'servers:' list");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> servers.get(i).name(), TwemproxyScalars.NAME_ORDER));
        List<ServerSpec> sorted = new ArrayList<>();
        for (int position = 0; position < order.size(); position++) {
            ServerSpec server = servers.get(order.get(position));
            if (position > 0 && TwemproxyScalars.sameName(sorted.get(position - 1).name(), server.name())) {
                int first = serverLines.get(order.get(position - 1));
                throw file.problem(serverLines.get(order.get(position)),
                        "conf: pool '" + name + "' has servers with same name '"
                                + TwemproxyScalars.printed(server.name()) + "'",
                        where() + "server name '" + server.name() + "' is also used on line " + first);
            }
            sorted.add(new ServerSpec(position, server.name(), server.host(), server.port(), server.unixSocket(),
                    server.weight(), server.text()));
        }
        return sorted;
    }

    private String where() {
        return "pool '" + name + "': ";
    }
}
