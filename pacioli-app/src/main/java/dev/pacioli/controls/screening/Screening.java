package dev.pacioli.controls.screening;

import dev.pacioli.ledger.Assert;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Screening as other capabilities use it (docs/screening.md, The hook). Three calls:
 *
 * <ol>
 *   <li>{@link #screen(Subject)}: the hits of a name, country and address against the current version
 *       of every list. No side effects (beyond a counter); it reads lists from memory, refreshed from
 *       the database at most {@link ScreeningSettings#refresh()} after another instance loaded one.
 *   <li>{@link #openCase}: for each hit, in the caller's own database transaction, the one that holds
 *       its object, so the held object and its case commit together or not at all. Opening the same
 *       match for the same object again returns the case already open.
 *   <li>{@link #handlers()}: at start, the capability registers a {@link ScreeningHandlers.Handler} for
 *       its object type; when someone decides one of its cases, the handler runs inside the decide's
 *       transaction (clear → release the object; confirm → reject it).
 * </ol>
 *
 * A payout, for example: {@code List<Hit> hits = screening.screen(new Subject(name, country, address));}
 * then, if not empty, in the transaction that creates the payout as {@code held} ({@code screening}),
 * {@code for (Hit hit : hits) screening.openCase(tx, "payout", ledger, id, principal, hit);} — and once,
 * in its capability's constructor, {@code screening.handlers().register("payout", (tx, c, d) -> …)}.
 */
public final class Screening {
    private final ScreeningStore store;
    private final ScreeningSettings settings;
    private final ScreeningHandlers handlers = new ScreeningHandlers();
    private final ScreeningMetrics metrics;
    private volatile Map<String, ScreeningIndex> indexes = Map.of();
    private volatile long checkedAtNanos;
    private volatile boolean checked;

    public Screening(DataSource dataSource, ScreeningSettings settings, MeterRegistry registry) {
        this.store = new ScreeningStore(dataSource);
        this.settings = settings;
        this.metrics = new ScreeningMetrics(registry, () -> {
            try {
                return store.openCount();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        });
    }

    /** Where capabilities register what a decision on their objects does. */
    public ScreeningHandlers handlers() {
        return handlers;
    }

    public ScreeningSettings settings() {
        return settings;
    }

    ScreeningStore store() {
        return store;
    }

    /** Every hit of the subject on the current version of every list, best first per list, lists by name. */
    public List<Hit> screen(Subject subject) {
        List<Hit> hits = new ArrayList<>();
        for (ScreeningIndex index : current().values().stream()
                .sorted(Comparator.comparing(ScreeningIndex::list))
                .toList()) {
            hits.addAll(index.screen(subject, settings.threshold()));
        }
        hits.forEach(hit -> metrics.hit(hit.field()));
        return List.copyOf(hits);
    }

    /**
     * Opens a case for {@code hit} on the object in the caller's transaction ({@code transaction}, auto-commit
     * off), with its event; returns it, or the case this object and match opened before.
     *
     * @param objectType the type the capability registered a handler for
     * @param ledger the object's ledger, or null
     * @param creatorPrincipal the principal that created the object: it may not decide the case
     */
    public ScreeningCase openCase(
            Connection transaction, String objectType, String ledger, String objectId, String creatorPrincipal, Hit hit)
            throws SQLException {
        Assert.that(!transaction.getAutoCommit(), "a case opens in its object's transaction");
        ScreeningCase opened =
                ScreeningStore.openCase(transaction, objectType, ledger, objectId, creatorPrincipal, hit);
        if (opened.status() == ScreeningCase.Status.OPEN && opened.decision() == null) {
            ServiceEvents.append(transaction, "screening_case.opened", ledger, ScreeningJson.screeningCase(opened));
        }
        return opened;
    }

    /**
     * How many of the object's cases are still open, in the caller's transaction: a handler clearing one
     * of several hits releases its object only when this is 0 (the case being decided is closed by then).
     */
    public int openCases(Connection transaction, String objectType, String ledger, String objectId)
            throws SQLException {
        return ScreeningStore.openCount(transaction, objectType, ledger, objectId);
    }

    /** What deciding a case came to. */
    sealed interface Decided {
        record Done(ScreeningCase screeningCase) implements Decided {}

        record NotFound() implements Decided {}

        record DeciderIsCreator(ScreeningCase screeningCase) implements Decided {}

        record AlreadyDecided(ScreeningCase screeningCase) implements Decided {}
    }

    /**
     * Decides an open case: the case row, the object's handler, the audit record and the event in one
     * transaction. The decider must not be the object's creator.
     */
    Decided decide(String id, ScreeningCase.Decision decision, String reason, Actor actor) {
        Decided decided = Transactions.run(store.dataSource(), "could not decide screening case " + id, connection -> {
            Optional<ScreeningCase> found = ScreeningStore.find(connection, id, true);
            if (found.isEmpty()) {
                return new Decided.NotFound();
            }
            ScreeningCase open = found.get();
            if (open.createdBy().equals(actor.principal())) {
                return new Decided.DeciderIsCreator(open);
            }
            if (open.status() != ScreeningCase.Status.OPEN) {
                return new Decided.AlreadyDecided(open);
            }
            ScreeningHandlers.Handler handler = handlers.of(open.objectType());
            ScreeningCase closed = ScreeningStore.decide(connection, open, decision, actor.principal(), reason);
            handler.decided(connection, closed, decision);
            byte[] json = ScreeningJson.screeningCase(closed);
            ServiceEvents.append(connection, "screening_case." + closed.status().code(), closed.ledger(), json);
            AuditLog.append(connection, actor, auditEntry(open, closed, reason, json));
            return new Decided.Done(closed);
        });
        switch (decided) {
            case Decided.Done done -> metrics.decided(decision);
            case Decided.AlreadyDecided already -> metrics.illegalTransition();
            case Decided.NotFound notFound -> {}
            case Decided.DeciderIsCreator creator -> {}
        }
        return decided;
    }

    private static AuditEntry auditEntry(ScreeningCase open, ScreeningCase closed, String reason, byte[] after) {
        AuditEntry entry = new AuditEntry(
                AuditAction.SCREENING_CASE_DECIDED,
                closed.id(),
                closed.ledger(),
                reason,
                new String(ScreeningJson.screeningCase(open), StandardCharsets.UTF_8),
                new String(after, StandardCharsets.UTF_8));
        return entry;
    }

    /** Loads a new version and puts it in service here at once (other instances within the refresh interval). */
    ScreeningJson.ListInfo load(String name, String source, Actor actor, ScreeningStore.Change change) {
        ScreeningJson.ListInfo loaded = store.load(name, source, actor, change);
        refresh(true);
        return loaded;
    }

    /** The indexes of the lists' current versions, refreshed when due. */
    Map<String, ScreeningIndex> current() {
        long now = System.nanoTime();
        if (!checked || now - checkedAtNanos >= settings.refresh().toNanos()) {
            refresh(false);
        }
        return indexes;
    }

    /** Rebuilds the index of every list whose version moved; {@code force} even if checked just now. */
    private synchronized void refresh(boolean force) {
        long now = System.nanoTime();
        if (!force && checked && now - checkedAtNanos < settings.refresh().toNanos()) {
            return;
        }
        Map<String, Long> versions = store.versions();
        Map<String, ScreeningIndex> next = new HashMap<>();
        for (Map.Entry<String, Long> list : versions.entrySet()) {
            ScreeningIndex held = indexes.get(list.getKey());
            if (held != null && held.version() == list.getValue()) {
                next.put(list.getKey(), held);
                continue;
            }
            store.current(list.getKey())
                    .ifPresent(version -> next.put(
                            list.getKey(),
                            new ScreeningIndex(
                                    list.getKey(),
                                    version.version(),
                                    version.entries(),
                                    Set.copyOf(version.blockedCountries()))));
        }
        indexes = Map.copyOf(next);
        checkedAtNanos = now;
        checked = true;
    }
}
