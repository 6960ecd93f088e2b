package dev.pacioli.platform.connectors;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host of a URL into the addresses a connection may go to. The production one is the JDK's
 * ({@link #SYSTEM}); tests put one in that answers what they choose (a name that resolves to a public
 * address when configured and to 127.0.0.1 when called: DNS rebinding).
 */
@FunctionalInterface
public interface HostResolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
