package dev.pacioli.platform.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbound policy's classifier and decisions: every refused class of address in its IPv4, IPv6
 * and IPv4-in-IPv6 spellings, hosts as the JDK's resolver reads them (decimal, short, octal-looking),
 * the allow-list's hosts and ranges, the loopback exception, and a name that rebinds between the
 * check at configuration and the one at the call.
 */
class OutboundPolicyTest {
    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // literals only: no DNS
    }

    private static AddressClass classOf(String literal) throws UnknownHostException {
        return AddressClass.of(address(literal));
    }

    @Test
    void everyAddressClassIsRecognisedInEverySpelling() throws Exception {
        Map<String, AddressClass> table = Map.ofEntries(
                Map.entry("127.0.0.1", AddressClass.LOOPBACK),
                Map.entry("127.255.1.2", AddressClass.LOOPBACK),
                Map.entry("::1", AddressClass.LOOPBACK),
                Map.entry("10.1.2.3", AddressClass.PRIVATE),
                Map.entry("172.16.0.1", AddressClass.PRIVATE),
                Map.entry("172.31.255.254", AddressClass.PRIVATE),
                Map.entry("192.168.1.1", AddressClass.PRIVATE),
                Map.entry("fc00::1", AddressClass.PRIVATE),
                Map.entry("fd12:3456::1", AddressClass.PRIVATE),
                Map.entry("169.254.1.1", AddressClass.LINK_LOCAL),
                Map.entry("fe80::1", AddressClass.LINK_LOCAL),
                Map.entry("100.64.0.1", AddressClass.SHARED),
                Map.entry("100.127.255.254", AddressClass.SHARED),
                Map.entry("0.0.0.0", AddressClass.UNSPECIFIED),
                Map.entry("0.1.2.3", AddressClass.UNSPECIFIED),
                Map.entry("::", AddressClass.UNSPECIFIED),
                Map.entry("169.254.169.254", AddressClass.METADATA),
                Map.entry("fd00:ec2::254", AddressClass.METADATA),
                Map.entry("100.100.100.200", AddressClass.METADATA),
                Map.entry("168.63.129.16", AddressClass.METADATA),
                Map.entry("224.0.0.1", AddressClass.MULTICAST),
                Map.entry("255.255.255.255", AddressClass.MULTICAST),
                Map.entry("ff02::1", AddressClass.MULTICAST),
                Map.entry("93.184.215.14", AddressClass.PUBLIC),
                Map.entry("172.32.0.1", AddressClass.PUBLIC),
                Map.entry("100.128.0.1", AddressClass.PUBLIC),
                Map.entry("2606:4700::1111", AddressClass.PUBLIC),
                // IPv4 carried in IPv6: judged by the IPv4 address.
                Map.entry("::ffff:127.0.0.1", AddressClass.LOOPBACK),
                Map.entry("::ffff:7f00:1", AddressClass.LOOPBACK),
                Map.entry("::ffff:10.0.0.1", AddressClass.PRIVATE),
                Map.entry("::ffff:169.254.169.254", AddressClass.METADATA),
                Map.entry("::ffff:100.64.0.1", AddressClass.SHARED),
                Map.entry("::ffff:0.0.0.0", AddressClass.UNSPECIFIED),
                Map.entry("::127.0.0.1", AddressClass.LOOPBACK),
                Map.entry("::10.0.0.1", AddressClass.PRIVATE),
                Map.entry("64:ff9b::7f00:1", AddressClass.LOOPBACK),
                Map.entry("64:ff9b::a9fe:a9fe", AddressClass.METADATA),
                Map.entry("2002:7f00:1::", AddressClass.LOOPBACK),
                Map.entry("2002:c0a8:101::1", AddressClass.PRIVATE),
                Map.entry("::ffff:93.184.215.14", AddressClass.PUBLIC));
        table.forEach((literal, expected) -> {
            try {
                assertThat(classOf(literal)).as(literal).isEqualTo(expected);
            } catch (UnknownHostException e) {
                throw new AssertionError(literal, e);
            }
        });
    }

    /** An Inet6Address holding a mapped IPv4 address, as a resolver could hand one over. */
    @Test
    void aMappedAddressHeldAsIpv6IsJudgedByItsIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        InetAddress held = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(held.getAddress()).hasSize(16);
        assertThat(AddressClass.of(held)).isEqualTo(AddressClass.METADATA);
    }

    /**
     * Hosts the way the JDK's resolver reads them: a decimal or shortened IPv4 is an address, so
     * {@code 2130706433} is 127.0.0.1. Whatever the resolver makes of a host, the policy judges the
     * address it made, so no spelling gets around it.
     */
    @Test
    void hostsAreJudgedByWhatTheResolverMakesOfThem() throws Exception {
        OutboundPolicy policy = new OutboundPolicy(OutboundPolicy.Allow.NONE, false, HostResolver.SYSTEM);
        for (String host : List.of(
                "2130706433",
                "127.1",
                "0x7f.1",
                "0177.0.0.1",
                "017700000001",
                "[::ffff:127.0.0.1]",
                "127.0.0.1.",
                "0",
                "[::]",
                "169.254.169.254",
                "[fd00:ec2::254]")) {
            List<InetAddress> resolved;
            try {
                resolved = HostResolver.SYSTEM.resolve(host.replace("[", "").replace("]", ""));
            } catch (UnknownHostException e) {
                // The resolver refuses this spelling (or it is a name that does not resolve): nothing to reach.
                assertThatThrownBy(() -> policy.permitted(host)).isInstanceOf(UnknownHostException.class);
                continue;
            }
            boolean anyPublic = resolved.stream().anyMatch(address -> AddressClass.of(address) == AddressClass.PUBLIC);
            if (anyPublic) {
                assertThat(policy.permitted(host)).as(host).allMatch(a -> AddressClass.of(a) == AddressClass.PUBLIC);
            } else {
                assertThatThrownBy(() -> policy.permitted(host)).as(host).isInstanceOf(OutboundRefusedException.class);
                assertThat(policy.urlRefusal(URI.create("https://" + host + "/x")))
                        .as(host)
                        .isNotNull();
            }
        }
        assertThat(HostResolver.SYSTEM.resolve("2130706433")).containsExactly(address("127.0.0.1"));
        assertThatThrownBy(() -> policy.permitted("2130706433"))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("loopback");
    }

    @Test
    void theAllowListLetsNamedHostsAndRangesThrough() throws Exception {
        HostResolver resolver = fixed(Map.of(
                "hooks.internal", "10.1.2.3",
                "other.internal", "10.9.9.9",
                "metadata.internal", "169.254.169.254",
                "v6.internal", "fd00::5"));
        OutboundPolicy policy = new OutboundPolicy(
                OutboundPolicy.Allow.parse(" Hooks.Internal. , 10.9.0.0/16,fd00::/64 ,192.168.1.7"), false, resolver);
        assertThat(policy.permitted("hooks.internal")).containsExactly(address("10.1.2.3"));
        assertThat(policy.permitted("HOOKS.internal")).containsExactly(address("10.1.2.3"));
        assertThat(policy.permitted("other.internal")).containsExactly(address("10.9.9.9"));
        assertThat(policy.permitted("v6.internal")).containsExactly(address("fd00::5"));
        assertThat(policy.urlRefusal(URI.create("http://192.168.1.7/x"))).isNull();
        assertThat(policy.urlRefusal(URI.create("http://192.168.1.8/x"))).contains("private");
        assertThat(policy.urlRefusal(URI.create("http://metadata.internal/x"))).contains("cloud metadata");
        assertThatThrownBy(() -> policy.permitted("metadata.internal"))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("169.254.169.254")
                .hasMessageContaining(OutboundPolicy.ALLOW_VARIABLE);
    }

    @Test
    void badAllowListsAreRefusedWithTheEntryNamed() {
        for (String bad : List.of(
                "",
                "a,,b",
                "10.0.0.0/33",
                "10.0.0/8",
                "256.1.1.1",
                "fd00::/129",
                "exa mple.com",
                "http://x.com",
                "10.0.0.1/x",
                "*.example.com")) {
            assertThatThrownBy(() -> OutboundPolicy.Allow.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(OutboundPolicy.Allow.parse("10.0.0.0/8").ranges()).containsExactly(AddressRange.parse("10.0.0.0/8"));
        assertThat(AddressRange.parse("10.1.2.3/8")).isEqualTo(AddressRange.parse("10.0.0.0/8"));
        assertThat(AddressRange.parse("10.0.0.0/8").contains(InetAddress.getLoopbackAddress()))
                .isFalse();
        assertThat(AddressRange.parse("::/0").toString()).isEqualTo("0:0:0:0:0:0:0:0/0");
    }

    @Test
    void loopbackPassesOnlyWhileTheServiceListensOnLoopback() throws Exception {
        assertThat(OutboundPolicy.isLoopbackOnly("127.0.0.1")).isTrue();
        assertThat(OutboundPolicy.isLoopbackOnly("::1")).isTrue();
        assertThat(OutboundPolicy.isLoopbackOnly("0.0.0.0")).isFalse();
        assertThat(OutboundPolicy.isLoopbackOnly("::")).isFalse();
        OutboundPolicy quickstart = new OutboundPolicy(OutboundPolicy.Allow.NONE, true, HostResolver.SYSTEM);
        assertThat(quickstart.urlRefusal(URI.create("http://127.0.0.1:9/x"))).isNull();
        assertThat(quickstart.urlRefusal(URI.create("http://[::1]:9/x"))).isNull();
        assertThat(quickstart.urlRefusal(URI.create("http://10.0.0.1/x"))).contains("private");
        assertThat(quickstart.urlRefusal(URI.create("http://169.254.169.254/latest")))
                .contains("metadata");
        OutboundPolicy exposed = new OutboundPolicy(OutboundPolicy.Allow.NONE, false, HostResolver.SYSTEM);
        assertThat(exposed.urlRefusal(URI.create("http://127.0.0.1:9/x"))).contains("loopback");
        assertThat(exposed.urlRefusal(URI.create("http://[::1]:9/x"))).contains("loopback");
    }

    /** At configuration the name is public; at the call it is 127.0.0.1 or 10.x: refused then. */
    @Test
    void aNameThatRebindsIsRefusedAtTheCall() throws Exception {
        RebindingResolver resolver = new RebindingResolver("rebind.test", "93.184.215.14", "127.0.0.1", "10.0.0.7");
        OutboundPolicy policy = new OutboundPolicy(OutboundPolicy.Allow.NONE, false, resolver);
        assertThat(policy.urlRefusal(URI.create("https://rebind.test/hook"))).isNull();
        assertThatThrownBy(() -> policy.permitted("rebind.test"))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> policy.permitted("rebind.test"))
                .isInstanceOf(OutboundRefusedException.class)
                .hasMessageContaining("private");
    }

    /** A name that resolves to a public and a private address: only the public one may be connected to. */
    @Test
    void onlyPermittedAddressesOfANameAreConnectedTo() throws Exception {
        HostResolver resolver = host -> List.of(address("10.0.0.1"), address("93.184.215.14"));
        OutboundPolicy policy = new OutboundPolicy(OutboundPolicy.Allow.NONE, false, resolver);
        assertThat(policy.permitted("mixed.test")).containsExactly(address("93.184.215.14"));
        assertThat(policy.urlRefusal(URI.create("https://mixed.test/"))).contains("10.0.0.1");
    }

    static HostResolver fixed(Map<String, String> names) {
        return host -> {
            String literal = names.get(host.toLowerCase(Locale.ROOT));
            if (literal == null) {
                return HostResolver.SYSTEM.resolve(host); // an IP literal: no DNS
            }
            return List.of(InetAddress.getByName(literal));
        };
    }

    /** Answers its name with each address in turn (the last one from then on); other hosts through the JDK. */
    static final class RebindingResolver implements HostResolver {
        private final String name;
        private final List<String> answers;
        private int lookups;

        RebindingResolver(String name, String... answers) {
            this.name = name;
            this.answers = List.of(answers);
        }

        @Override
        public synchronized List<InetAddress> resolve(String host) throws UnknownHostException {
            if (!host.equalsIgnoreCase(name)) {
                return HostResolver.SYSTEM.resolve(host);
            }
            String answer = answers.get(Math.min(lookups++, answers.size() - 1));
            return List.of(InetAddress.getByName(answer));
        }

        synchronized int lookups() {
            return lookups;
        }
    }
}
