package dev.pacioli.platform.connectors;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * What kind of place an IP address is, as the outbound policy sees it. Every class but
 * {@link #PUBLIC} is refused as a target unless allowed ({@link OutboundPolicy}).
 *
 * <p>IPv6 addresses that carry an IPv4 address are judged by the IPv4 address they carry, since that
 * is where a packet to them can end up: IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible
 * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d} and 6to4 {@code 2002:aabb:ccdd::}. So
 * {@code ::ffff:127.0.0.1} is loopback and {@code ::ffff:169.254.169.254} is cloud metadata.
 */
public enum AddressClass {
    PUBLIC("public"),
    LOOPBACK("loopback"),
    PRIVATE("private"),
    LINK_LOCAL("link-local"),
    SHARED("shared address space (carrier-grade NAT)"),
    UNSPECIFIED("unspecified"),
    METADATA("cloud metadata"),
    MULTICAST("multicast or broadcast");

    /** How a refusal names the class. */
    public final String description;

    AddressClass(String description) {
        this.description = description;
    }

    /**
     * Addresses of cloud metadata services that would otherwise pass as public or be named only by
     * their wider class: AWS, GCP, Azure, OpenStack, DigitalOcean and Oracle (169.254.169.254), AWS
     * over IPv6 (fd00:ec2::254), Alibaba (100.100.100.200), Azure's wire server (168.63.129.16).
     */
    static final List<AddressRange> METADATA_ADDRESSES = List.of(
            AddressRange.of("169.254.169.254"),
            AddressRange.of("169.254.170.2"),
            AddressRange.of("fd00:ec2::254"),
            AddressRange.of("100.100.100.200"),
            AddressRange.of("168.63.129.16"));

    private static final List<AddressRange> V4_PRIVATE = List.of(
            AddressRange.of("10.0.0.0/8"),
            AddressRange.of("172.16.0.0/12"),
            AddressRange.of("192.168.0.0/16"),
            // IETF protocol assignments and the benchmarking net: never a receiver's address.
            AddressRange.of("192.0.0.0/24"),
            AddressRange.of("198.18.0.0/15"));
    private static final AddressRange V4_SHARED = AddressRange.of("100.64.0.0/10");
    private static final AddressRange V4_THIS_NETWORK = AddressRange.of("0.0.0.0/8");
    private static final AddressRange V4_RESERVED = AddressRange.of("240.0.0.0/4"); // and broadcast
    private static final AddressRange V6_UNIQUE_LOCAL = AddressRange.of("fc00::/7");
    private static final AddressRange V6_SITE_LOCAL = AddressRange.of("fec0::/10");
    private static final AddressRange V6_NAT64 = AddressRange.of("64:ff9b::/96");
    private static final AddressRange V6_NAT64_LOCAL = AddressRange.of("64:ff9b:1::/48");
    private static final AddressRange V6_6TO4 = AddressRange.of("2002::/16");

    /** The class of an address, as connected to. */
    public static AddressClass of(InetAddress address) {
        for (AddressRange metadata : METADATA_ADDRESSES) {
            if (metadata.contains(address)) {
                return METADATA;
            }
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return ofV4(address);
        }
        InetAddress carried = carriedV4(bytes);
        if (carried != null) {
            return of(carried);
        }
        if (address.isAnyLocalAddress()) {
            return UNSPECIFIED;
        }
        if (address.isLoopbackAddress()) {
            return LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return LINK_LOCAL;
        }
        if (address.isMulticastAddress()) {
            return MULTICAST;
        }
        if (V6_UNIQUE_LOCAL.contains(address) || V6_SITE_LOCAL.contains(address) || V6_NAT64_LOCAL.contains(address)) {
            return PRIVATE;
        }
        return PUBLIC;
    }

    private static AddressClass ofV4(InetAddress address) {
        if (V4_THIS_NETWORK.contains(address)) {
            return UNSPECIFIED;
        }
        if (address.isLoopbackAddress()) {
            return LOOPBACK;
        }
        if (address.isLinkLocalAddress()) {
            return LINK_LOCAL;
        }
        if (V4_SHARED.contains(address)) {
            return SHARED;
        }
        if (address.isMulticastAddress() || V4_RESERVED.contains(address)) {
            return MULTICAST;
        }
        for (AddressRange range : V4_PRIVATE) {
            if (range.contains(address)) {
                return PRIVATE;
            }
        }
        return PUBLIC;
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or null. */
    static InetAddress carriedV4(byte[] v6) {
        boolean zeroTo10 = true;
        for (int i = 0; i < 10; i++) {
            zeroTo10 &= v6[i] == 0;
        }
        boolean mapped = zeroTo10 && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
        boolean compatible = zeroTo10 && v6[10] == 0 && v6[11] == 0 && !isZeroOrOne(v6);
        try {
            InetAddress v6Address = InetAddress.getByAddress(v6);
            if (mapped || compatible || V6_NAT64.contains(v6Address)) {
                return Inet4Address.getByAddress(Arrays.copyOfRange(v6, 12, 16));
            }
            if (V6_6TO4.contains(v6Address)) {
                return Inet4Address.getByAddress(Arrays.copyOfRange(v6, 2, 6));
            }
            return null;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 and 4 bytes: always an address
        }
    }

    /** {@code ::} and {@code ::1}, which are IPv6's own unspecified and loopback, not IPv4-compatible. */
    private static boolean isZeroOrOne(byte[] v6) {
        return v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && (v6[15] == 0 || v6[15] == 1);
    }
}
