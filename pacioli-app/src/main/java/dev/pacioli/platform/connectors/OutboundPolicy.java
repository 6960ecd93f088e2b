package dev.pacioli.platform.connectors;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where the service may send requests: the one place that decides, for every connector.
 *
 * <p>A target is judged by the address a connection would actually go to, never by how its URL spells
 * the host: the host is resolved (by {@link HostResolver}, the JDK's in production) and every address
 * is classified ({@link AddressClass}). Loopback, private, link-local, shared (CGNAT), unspecified,
 * multicast and cloud-metadata addresses are refused, unless the URL's host is named in the allow-list
 * or the address lies in one of its ranges ({@code PACIOLI_OUTBOUND_ALLOW}), or the address is loopback
 * and the service itself listens only on loopback (then reaching loopback gives a caller nothing it
 * does not have already).
 *
 * <p>It is asked twice. At configuration ({@link #urlRefusal}), so a client learns at once that a URL
 * is refused: any refused address refuses the URL; a name that does not resolve now is accepted (it may
 * later). And at every call ({@link #permitted}), after resolution, by the resolver the HTTP client
 * connects with: only permitted addresses are handed to it, so a name that resolved to a public
 * address at configuration and to 127.0.0.1 now (DNS rebinding) reaches nothing.
 */
public final class OutboundPolicy {
    public static final String ALLOW_VARIABLE = "PACIOLI_OUTBOUND_ALLOW";
    public static final int ALLOW_ENTRIES_MAX = 1_000;

    private final Allow allow;
    private final boolean loopbackAllowed;
    private final HostResolver resolver;

    /**
     * @param loopbackAllowed whether loopback targets pass (the service listens only on loopback)
     */
    public OutboundPolicy(Allow allow, boolean loopbackAllowed, HostResolver resolver) {
        this.allow = allow;
        this.loopbackAllowed = loopbackAllowed;
        this.resolver = resolver;
    }

    /**
     * The hosts and ranges of {@code PACIOLI_OUTBOUND_ALLOW}: host names (matched exactly, without case,
     * against a URL's host), IP addresses and CIDR ranges (matched against the addresses connected to).
     */
    public record Allow(Set<String> hosts, List<AddressRange> ranges) {
        public static final Allow NONE = new Allow(Set.of(), List.of());

        public Allow {
            hosts = Set.copyOf(hosts);
            ranges = List.copyOf(ranges);
        }

        /** Comma-separated hosts, addresses and CIDR ranges; a bad entry is an error that names it. */
        public static Allow parse(String text) {
            Set<String> hosts = new LinkedHashSet<>();
            List<AddressRange> ranges = new ArrayList<>();
            String[] entries = text.split(",", -1);
            if (entries.length > ALLOW_ENTRIES_MAX) {
                throw new IllegalArgumentException("holds more than " + ALLOW_ENTRIES_MAX + " entries");
            }
            for (String raw : entries) {
                String entry = raw.trim().toLowerCase(Locale.ROOT);
                if (entry.isEmpty()) {
                    throw new IllegalArgumentException(
                            "has an empty entry; separate hosts and ranges by single commas");
                }
                if (entry.contains("/") || AddressRange.literal(entry) != null) {
                    ranges.add(AddressRange.parse(entry));
                } else if (entry.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?")
                        && entry.length() <= 253
                        && !entry.matches("[0-9.]+")) {
                    hosts.add(normal(entry));
                } else {
                    throw new IllegalArgumentException(
                            "'" + raw.trim()
                                    + "' is neither a host name, an IP address (a.b.c.d or IPv6) nor a CIDR range such as 10.0.0.0/8");
                }
            }
            return new Allow(hosts, ranges);
        }
    }

    /**
     * Whether the service is reachable only over loopback when it listens on {@code host}: a loopback
     * address or a name that resolves only to loopback. {@code 0.0.0.0}, {@code ::} and any other
     * address are not.
     */
    public static boolean isLoopbackOnly(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean loopbackAllowed() {
        return loopbackAllowed;
    }

    /** Why the address {@code host} resolved to may not be connected to, or null when it may. */
    public String refusal(String host, InetAddress address) {
        if (allow.hosts().contains(normal(host))) {
            return null;
        }
        for (AddressRange range : allow.ranges()) {
            if (range.contains(address)) {
                return null;
            }
        }
        AddressClass kind = AddressClass.of(address);
        if (kind == AddressClass.PUBLIC || (kind == AddressClass.LOOPBACK && loopbackAllowed)) {
            return null;
        }
        String shown = normal(host).equals(normal(address.getHostAddress()))
                ? address.getHostAddress()
                : normal(host) + " (" + address.getHostAddress() + ")";
        return shown + " is a " + kind.description + " address; outbound requests go only to public addresses"
                + " unless " + ALLOW_VARIABLE + " names the host or a range holding the address";
    }

    /**
     * At a call: the addresses of {@code host} a connection may go to, in the resolver's order.
     *
     * @throws OutboundRefusedException when it resolves only to refused addresses
     * @throws UnknownHostException when it does not resolve
     */
    public List<InetAddress> permitted(String host) throws UnknownHostException, OutboundRefusedException {
        String name = bare(host);
        List<InetAddress> resolved = resolver.resolve(name);
        List<InetAddress> permitted = new ArrayList<>();
        String first = null;
        for (InetAddress address : resolved) {
            String refusal = refusal(name, address);
            if (refusal == null) {
                permitted.add(address);
            } else if (first == null) {
                first = refusal;
            }
        }
        if (permitted.isEmpty()) {
            throw new OutboundRefusedException(first != null ? first : name + " resolves to no address");
        }
        return List.copyOf(permitted);
    }

    /**
     * At configuration: why a URL is refused, or null. Any refused address of its host refuses it; a
     * host that does not resolve now is accepted, and checked again at every call.
     */
    public String urlRefusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return "names no host";
        }
        List<InetAddress> resolved;
        try {
            resolved = resolver.resolve(bare(host));
        } catch (UnknownHostException e) {
            return null;
        }
        for (InetAddress address : resolved) {
            String refusal = refusal(bare(host), address);
            if (refusal != null) {
                return refusal;
            }
        }
        return null;
    }

    /** A host without IPv6 brackets. */
    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** A host as the allow-list compares it: lower case, no brackets, no trailing dot. */
    private static String normal(String host) {
        String name = bare(host).toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
