package dev.pacioli.platform.connectors;

/**
 * The service's connector configuration: the outbound allow-list ({@code PACIOLI_OUTBOUND_ALLOW}), the
 * breaker connectors get unless their own configuration says otherwise ({@code PACIOLI_CONNECTOR_*}),
 * and two seams for tests: the host resolver, and whether loopback targets are refused even while the
 * service listens only on loopback (so a test on loopback can see what a public service refuses).
 */
public record ConnectorOptions(
        OutboundPolicy.Allow allow, ConnectorSettings.Breaker breaker, boolean refuseLoopback, HostResolver resolver) {
    public static final ConnectorOptions DEFAULTS = new ConnectorOptions(
            OutboundPolicy.Allow.NONE, ConnectorSettings.Breaker.DEFAULTS, false, HostResolver.SYSTEM);

    /** The policy of a service listening on {@code listenHost}. */
    public OutboundPolicy policy(String listenHost) {
        return new OutboundPolicy(allow, !refuseLoopback && OutboundPolicy.isLoopbackOnly(listenHost), resolver);
    }

    public ConnectorOptions withAllow(OutboundPolicy.Allow hosts) {
        return new ConnectorOptions(hosts, breaker, refuseLoopback, resolver);
    }

    public ConnectorOptions withBreaker(ConnectorSettings.Breaker rule) {
        return new ConnectorOptions(allow, rule, refuseLoopback, resolver);
    }

    /** As if the service listened on a public address: loopback targets refused unless allowed. */
    public ConnectorOptions refusingLoopback() {
        return new ConnectorOptions(allow, breaker, true, resolver);
    }

    public ConnectorOptions withResolver(HostResolver hosts) {
        return new ConnectorOptions(allow, breaker, refuseLoopback, hosts);
    }
}
