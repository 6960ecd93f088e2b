package dev.pacioli.clearing;

import dev.pacioli.ledger.Assert;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.LedgerStore;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Windows closing and the changes to single obligations that take the ledger's clearing-state lock:
 * cancel and a compliance decision. A close happens at a point in the obligation sequence — the state's
 * last position — in the transaction that opens the next window, under the same lock intake takes, so
 * every obligation lands in exactly one window whatever the timing.
 */
public final class Windows {
    private final ClearingStore store;
    private final Intake intake;
    private final ClearingMetrics metrics;
    private final LedgerPort ledgers;

    public Windows(ClearingStore store, Intake intake, ClearingMetrics metrics, LedgerPort ledgers) {
        this.store = store;
        this.intake = intake;
        this.metrics = metrics;
        this.ledgers = ledgers;
    }

    static ApiException windowNotFound(String id) {
        return ApiException.notFound("window_not_found", "no window " + id);
    }

    static ApiException invalidTransition(String object, String id, String current, String wanted) {
        return new ApiException(
                409, "invalid_state_transition", object + " " + id + " is " + current + "; it cannot become " + wanted);
    }

    /** Closes the open window {@code id} (nets it, stores the report) and opens the next, atomically. */
    public Window close(String ledger, String id, Actor actor) {
        Window closed = Transactions.run(store.dataSource(), "could not close window " + id, connection -> {
            ClearingStore.State state = ClearingStore.lockState(connection, ledger);
            if (!state.openWindow().equals(id)) {
                Window window =
                        ClearingStore.window(connection, ledger, id, false).orElseThrow(() -> windowNotFound(id));
                throw invalidTransition("window", id, window.status().code(), WindowStatus.CLOSED.code());
            }
            return closeOpen(connection, state, actor);
        });
        metrics.obligations(ObligationStatus.NETTED, obligationsIn(closed));
        return closed;
    }

    /** Closes the ledger's open window, whichever it is: the schedule's close. */
    public Window closeCurrent(String ledger, Actor actor) {
        Window closed = Transactions.run(
                store.dataSource(),
                "could not close the open window",
                connection -> closeOpen(connection, ClearingStore.lockState(connection, ledger), actor));
        metrics.obligations(ObligationStatus.NETTED, obligationsIn(closed));
        return closed;
    }

    private static long obligationsIn(Window window) {
        long count = 0;
        for (var asset : RequestReader.MAPPER.readTree(window.report()).path("assets")) {
            count += asset.path("obligations").longValue();
        }
        return count;
    }

    private Window closeOpen(Connection connection, ClearingStore.State state, Actor actor) throws SQLException {
        String ledger = state.ledger();
        String window = state.openWindow();
        Map<String, Netting.Accumulator> fromObligations = ClearingStore.acceptedTotals(connection, ledger, window);
        Map<String, Netting.Accumulator> fromPositions = ClearingStore.storedPositions(connection, ledger, window);
        List<Netting.AssetResult> results = new ArrayList<>();
        for (Netting.Accumulator accumulator : fromObligations.values()) {
            results.add(accumulator.result());
        }
        // In pairs: the running positions the risk gate read are what the obligations add up to.
        Assert.that(
                fromPositions.keySet().equals(fromObligations.keySet()),
                "the positions of %s/%s are in other assets",
                ledger,
                window);
        for (Netting.AssetResult result : results) {
            Assert.that(
                    fromPositions.get(result.asset()).result().positions().equals(result.positions()),
                    "the running positions of %s/%s in %s differ from its obligations",
                    ledger,
                    window,
                    result.asset());
        }
        Map<String, Participant> participants = new HashMap<>();
        for (Netting.AssetResult result : results) {
            for (Netting.Position position : result.positions()) {
                participants.computeIfAbsent(position.participant(), id -> participantOrFail(connection, ledger, id));
            }
        }
        String report = ClearingJson.report(window, results, participants);
        ClearingStore.closeAndOpenNext(connection, state, report);
        Window closed = ClearingStore.window(connection, ledger, window, false).orElseThrow();
        byte[] json = ClearingJson.window(closed);
        ServiceEvents.append(connection, "clearing.window.closed", ledger, json);
        AuditLog.append(
                connection,
                actor,
                AuditEntry.of(
                                AuditAction.CLEARING_WINDOW_CLOSED,
                                window,
                                null,
                                new String(json, StandardCharsets.UTF_8))
                        .inLedger(ledger));
        return closed;
    }

    private static Participant participantOrFail(Connection connection, String ledger, String id) {
        try {
            return ClearingStore.participant(connection, ledger, id)
                    .orElseThrow(() -> new IllegalStateException("participant " + id + " of an obligation is gone"));
        } catch (SQLException e) {
            throw new LedgerStore.StoreException("could not read participant " + id, e);
        }
    }

    /**
     * Cancels an accepted obligation of the open window. Its creditor loses what it was owed, so the
     * creditor's net debit rises: the cancel passes the risk gate for the creditor too.
     */
    public Obligation cancel(String ledger, String id, Actor actor) {
        Obligation canceled = Transactions.run(store.dataSource(), "could not cancel obligation " + id, connection -> {
            ClearingStore.State state = ClearingStore.lockState(connection, ledger);
            Obligation obligation =
                    ClearingStore.obligation(connection, ledger, id, true).orElseThrow(() -> obligationNotFound(id));
            if (obligation.status() != ObligationStatus.ACCEPTED) {
                throw invalidTransition("obligation", id, obligation.status().code(), "canceled");
            }
            Assert.that(obligation.window().equals(state.openWindow()), "an accepted obligation is in the open window");
            Participant creditor = ClearingStore.participant(connection, ledger, obligation.creditor())
                    .orElseThrow();
            long[] position =
                    ClearingStore.position(connection, ledger, state.openWindow(), creditor.id(), obligation.asset());
            long[] without = {position[0] - obligation.amount(), position[1]};
            ApiException refusal =
                    Gate.refusal(creditor, obligation.asset(), without, 0, cap(ledger, creditor, obligation.asset()));
            if (refusal != null) {
                throw refusal;
            }
            ClearingStore.changeObligation(connection, ledger, id, "canceled", null, null, null);
            ClearingStore.addPositions(
                    connection,
                    ledger,
                    state.openWindow(),
                    Map.of(
                            obligation.debtor() + "\u0000" + obligation.asset(), new long[] {0, -obligation.amount()},
                            obligation.creditor() + "\u0000" + obligation.asset(),
                                    new long[] {-obligation.amount(), 0}));
            Obligation after =
                    ClearingStore.obligation(connection, ledger, id, false).orElseThrow();
            ServiceEvents.append(connection, "clearing.obligation.canceled", ledger, ClearingJson.obligation(after));
            return after;
        });
        metrics.obligation(ObligationStatus.CANCELED);
        return canceled;
    }

    private long cap(String ledger, Participant participant, String asset) {
        Long explicit = participant.netDebitCaps().get(asset);
        if (explicit != null) {
            return explicit;
        }
        return ledgers.balancesAsOf(ledger, participant.settlementAccounts().get(asset), Intake.LATEST_MICROS)
                .available();
    }

    static ApiException obligationNotFound(String id) {
        return ApiException.notFound("obligation_not_found", "no obligation " + id);
    }

    /**
     * What a compliance decision does to a held obligation, in the decide's transaction: a confirm
     * rejects it; a clear (once none of its cases is open) accepts it into the window open now, if it
     * still passes the risk gate — else it is rejected with {@code net_debit_cap_exceeded}.
     */
    void decided(Connection connection, String ledger, String id, boolean clear) throws SQLException {
        ClearingStore.State state = ClearingStore.lockState(connection, ledger);
        Optional<Obligation> found = ClearingStore.obligation(connection, ledger, id, true);
        if (found.isEmpty() || found.get().status() != ObligationStatus.HELD) {
            return;
        }
        Obligation held = found.get();
        String status = "rejected";
        String reason = "screening";
        if (clear) {
            Participant debtor =
                    ClearingStore.participant(connection, ledger, held.debtor()).orElseThrow();
            long[] position = ClearingStore.position(connection, ledger, state.openWindow(), debtor.id(), held.asset());
            ApiException refusal = debtor.active()
                    ? Gate.refusal(debtor, held.asset(), position, held.amount(), cap(ledger, debtor, held.asset()))
                    : new ApiException(422, "participant_suspended", "suspended");
            if (refusal == null) {
                status = "accepted";
                reason = null;
                long next = state.lastPosition() + 1;
                ClearingStore.changeObligation(connection, ledger, id, status, null, state.openWindow(), next);
                ClearingStore.advancePosition(connection, ledger, next);
                ClearingStore.addPositions(
                        connection,
                        ledger,
                        state.openWindow(),
                        Map.of(
                                held.debtor() + "\u0000" + held.asset(), new long[] {0, held.amount()},
                                held.creditor() + "\u0000" + held.asset(), new long[] {held.amount(), 0}));
            } else {
                reason = refusal.code;
            }
        }
        if (status.equals("rejected")) {
            ClearingStore.changeObligation(connection, ledger, id, status, reason, null, null);
        }
        Obligation after =
                ClearingStore.obligation(connection, ledger, id, false).orElseThrow();
        ServiceEvents.append(connection, "clearing.obligation." + status, ledger, ClearingJson.obligation(after));
        metrics.obligation(after.status());
    }

    Intake intake() {
        return intake;
    }
}
