package io.walnut.config;

import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderTest {

    static Path resource(String name) {
        try {
            return Path.of(ConfigLoaderTest.class.getResource("/conf/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(List<ServerSpec> servers) {
        return servers.stream().map(ServerSpec::name).toList();
    }

    @Test
    void twemproxySampleParsesWithDefaultsAndSortedPools() throws Exception {
        ProxyConfig config = ConfigLoader.load(resource("twemproxy-sample.yml"));

        assertThat(config.pools()).extracting(PoolConfig::name).containsExactly("beta", "alpha", "gamma");
        PoolConfig alpha = config.pools().get(1);
        assertThat(alpha.listen().tcp()).isEqualTo(new InetSocketAddress("127.0.0.1", 27321));
        assertThat(alpha.listen().isUnix()).isFalse();
        assertThat(alpha.hash()).isEqualTo(HashFunction.FNV1A_64);
        assertThat(alpha.distribution()).isEqualTo(DistributionType.KETAMA);
        assertThat(alpha.redis()).isTrue();
        assertThat(alpha.timeoutMs()).isEqualTo(400);
        assertThat(names(alpha.servers()))
                .containsExactly("127.0.0.1:27301", "127.0.0.1:27302", "127.0.0.1:27303");
        assertThat(alpha.servers()).extracting(ServerSpec::index).containsExactly(0, 1, 2);
        PoolConfig beta = config.pools().get(0);
        assertThat(beta.hash()).isEqualTo(HashFunction.MD5);
        assertThat(beta.distribution()).isEqualTo(DistributionType.MODULA);
        assertThat(beta.redisDb()).isEqualTo(1);
        assertThat(beta.timeoutMs()).isEqualTo(-1);
    }

    @Test
    void unsetKeysTakeTwemproxyDefaults() throws Exception {
        PoolConfig gamma = ConfigLoader.load(resource("twemproxy-sample.yml")).pools().get(2);

        assertThat(gamma.hashTag()).isNull();
        assertThat(gamma.backlog()).isEqualTo(512);
        assertThat(gamma.clientConnections()).isZero();
        assertThat(gamma.redis()).isFalse();
        assertThat(gamma.redisAuth()).isNull();
        assertThat(gamma.redisDb()).isZero();
        assertThat(gamma.preconnect()).isFalse();
        assertThat(gamma.autoEjectHosts()).isFalse();
        assertThat(gamma.serverConnections()).isEqualTo(1);
        assertThat(gamma.serverRetryTimeoutMs()).isEqualTo(30_000);
        assertThat(gamma.serverFailureLimit()).isEqualTo(2);
        assertThat(gamma.tcpKeepalive()).isFalse();
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ProxyConfig config = ConfigLoader.load(resource("every-key.yml"));

        PoolConfig sigma = config.pools().get(0);
        assertThat(sigma).isEqualTo(new PoolConfig("sigma", sigma.listen(), HashFunction.MURMUR,
                new HashTag((byte) '$', (byte) '$'), DistributionType.MODULA, 250, 128, 100, true, "s3cret", 7,
                true, true, 4, 5000, 5, true,
                List.of(new ServerSpec(0, "primary", "127.0.0.1", 6390, null, 3, "127.0.0.1:6390:3 primary"))));
        assertThat(sigma.listen().text()).isEqualTo("127.0.0.1:22130");
        assertThat(config.file()).isEqualTo(resource("every-key.yml"));
    }

    @Test
    void quotedScalarsAndCommentsAreFine() throws Exception {
        PoolConfig pool = ConfigLoader.load(resource("quoted-and-commented.yml")).pools().get(0);

        assertThat(pool.name()).isEqualTo("quoted");
        assertThat(pool.redis()).isTrue();
        assertThat(pool.timeoutMs()).isEqualTo(400);
        assertThat(pool.serverConnections()).isEqualTo(2);
        assertThat(pool.hash()).isEqualTo(HashFunction.CRC32A);
        assertThat(names(pool.servers())).containsExactly("127.0.0.1:6379", "127.0.0.1:6380");
    }

    @Test
    void serverNamesFollowTwemproxyAndSortByLengthThenBytes() throws Exception {
        ProxyConfig config = ConfigLoader.load(resource("names-and-sockets.yml"));

        assertThat(config.pools()).extracting(PoolConfig::name).containsExactly("b", "eta", "zeta");
        PoolConfig zeta = config.pools().get(2);
        assertThat(names(zeta.servers())).containsExactly(
                "z", "ab", "::1:6379", "127.0.0.1", "localhost", "/tmp/walnut-test-redis.sock:");
        ServerSpec ipv6 = zeta.servers().get(2);
        assertThat(ipv6.host()).isEqualTo("::1");
        assertThat(ipv6.port()).isEqualTo(6379);
        ServerSpec unix = zeta.servers().get(5);
        assertThat(unix.isUnix()).isTrue();
        assertThat(unix.unixSocket()).isEqualTo(Path.of("/tmp/walnut-test-redis.sock"));
        assertThat(unix.weight()).isEqualTo(2);
        assertThat(unix.host()).isNull();
        assertThat(zeta.servers()).extracting(ServerSpec::index).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void listenTakesIpv6UnbracketedAndUnixSocketsWithOctalPermissions() throws Exception {
        ProxyConfig config = ConfigLoader.load(resource("names-and-sockets.yml"));

        ListenAddress ipv6 = config.pools().get(2).listen();
        assertThat(ipv6.tcp()).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 22150));
        ListenAddress unix = config.pools().get(0).listen();
        assertThat(unix.isUnix()).isTrue();
        assertThat(unix.unixSocket()).isEqualTo(Path.of("/tmp/walnut-test-b.sock"));
        assertThat(unix.permissions()).isEqualTo(0700);
        assertThat(unix.text()).isEqualTo("/tmp/walnut-test-b.sock 0700");
        assertThat(config.pools().get(1).listen().permissions()).isZero();
    }

    @Test
    void theRepositoryExampleIsValid() throws Exception {
        ProxyConfig config = ConfigLoader.load(Path.of("conf/nutcracker.yml"));

        assertThat(config.pools()).extracting(PoolConfig::name)
                .containsExactly("beta", "alpha", "delta", "gamma", "omega");
        assertThat(config.pools()).allSatisfy(pool -> assertThat(pool.servers()).isNotEmpty());
    }
}
