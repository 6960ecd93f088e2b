package dev.pacioli.payments.intake;

import dev.pacioli.payments.inbound.InboundEvent;
import java.nio.charset.StandardCharsets;

/** The stored body of an event a built-in rail reported: the event itself, there being no provider body. */
public final class InboundEventJsonBody {
    private InboundEventJsonBody() {}

    public static byte[] of(InboundEvent event) {
        return InboundEventJson.write(event).getBytes(StandardCharsets.UTF_8);
    }
}
