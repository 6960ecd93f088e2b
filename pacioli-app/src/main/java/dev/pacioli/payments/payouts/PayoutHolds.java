package dev.pacioli.payments.payouts;

import dev.pacioli.platform.audit.Actor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Holds that capabilities after payments place on a ledger's new payouts (reconciliation's
 * {@code hold_payouts} drift action): they register a source here, asked at each payout's creation, and
 * release what they held through {@link #release}. Payments never depends on them; they depend on this.
 */
public final class PayoutHolds {
    /** The hold reason of a reconciliation drift (docs/payments.md, the hold table). */
    public static final String RECONCILIATION = "reconciliation";

    /** Why a ledger's new payouts are held now, or null when they are not. */
    @FunctionalInterface
    public interface Source {
        String holdReason(String ledger);
    }

    /** Releases a ledger's payouts held for a reason; answers how many it released. */
    @FunctionalInterface
    interface Releaser {
        int release(String ledger, String holdReason, Actor actor, String reason);
    }

    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private final Releaser releaser;

    PayoutHolds(Releaser releaser) {
        this.releaser = releaser;
    }

    public void register(Source source) {
        sources.add(source);
    }

    /** The first registered source's reason to hold the ledger's new payouts, or null. */
    String reasonFor(String ledger) {
        for (Source source : sources) {
            String reason = source.holdReason(ledger);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    /** Releases every payout of the ledger held for {@code holdReason}, each audited as the actor's release. */
    public int release(String ledger, String holdReason, Actor actor, String reason) {
        return releaser.release(ledger, holdReason, actor, reason);
    }
}
