package dev.pacioli.platform.connectors;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A CIDR range of addresses, {@code 10.0.0.0/8} or {@code fd00::/8}; an address alone is a range of
 * one. Parsed only from literals, never through DNS: {@code parse("example.com/8")} is refused.
 *
 * @param network the range's first address, as bytes (4 or 16)
 * @param prefixBits how many leading bits every address of the range shares with {@code network}
 */
public record AddressRange(byte[] network, int prefixBits) {
    public AddressRange {
        network = network.clone();
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes");
        }
        if (prefixBits < 0 || prefixBits > network.length * 8) {
            throw new IllegalArgumentException("the prefix must be 0 to " + network.length * 8 + " bits");
        }
        network = masked(network, prefixBits);
    }

    /** {@code a.b.c.d/n}, {@code x:y::z/n}, or an address alone; the message says what is wrong. */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or a CIDR range");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String prefix = trimmed.substring(slash + 1);
            if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix that is not 0 to " + bits + " bits");
            }
            bits = Integer.parseInt(prefix);
        }
        return new AddressRange(bytes, bits);
    }

    /**
     * The bytes of an IP literal, or null for anything else. Only the dotted-quad form of IPv4 is
     * taken here (an allow-list entry is written by a person; {@code 0177.1} is not what they meant).
     */
    static byte[] literal(String text) {
        String address = text.toLowerCase(Locale.ROOT);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        boolean v4 = address.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
        boolean v6 = address.contains(":") && address.matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            return v4 && bytes.length != 4 ? null : bytes;
        } catch (UnknownHostException e) {
            return null; // a literal the JDK does not take (an octet above 255, a malformed IPv6)
        }
    }

    public static AddressRange of(String text) {
        return parse(text);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(masked(bytes, prefixBits), network);
    }

    private static byte[] masked(byte[] bytes, int prefixBits) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixBits - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range
                && range.prefixBits == prefixBits
                && Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefixBits;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes, checked above
        }
    }
}
