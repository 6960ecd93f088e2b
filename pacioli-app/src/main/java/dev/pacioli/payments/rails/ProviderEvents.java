package dev.pacioli.payments.rails;

import dev.pacioli.payments.inbound.InboundEvent;

/**
 * Where a built-in rail reports what a provider would report later by webhook (the simulator's
 * returns and deposits): the payments capability handles them exactly as verified inbound events.
 */
@FunctionalInterface
public interface ProviderEvents {
    void report(InboundEvent event);
}
