package dev.pacioli.clearing;

import dev.pacioli.controls.screening.Hit;
import dev.pacioli.controls.screening.Screening;
import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ServiceEvents;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Obligations coming in (clearing.md, Obligations and windows), one or a batch of up to {@value
 * #BATCH_MAX}: each checked in the contract's order — participants exist and are active, both hold a
 * settlement account in the asset, debtor ≠ creditor, then the risk gate — and screened on its names.
 *
 * <p>Concurrency: the whole intake runs in one database transaction that first locks the ledger's
 * clearing state ({@link ClearingStore#lockState}). So the intakes, cancels, releases and closes of one
 * ledger run one at a time, whichever instance serves them, and the risk gate reads running positions
 * that no one else can change until it commits: two obligations that only one cap fits can never both
 * pass. A batch takes the lock once for all its items, which is what makes batches the fast path.
 * Screening runs before the lock (it reads memory only), so a slow screen never holds the ledger.
 */
public final class Intake {
    public static final int BATCH_MAX = 8_000;

    /** A far future instant, in microseconds: balances "as of now and after". */
    static final long LATEST_MICROS = 253_402_300_799_000_000L;

    /** The object type of an obligation's screening cases. */
    public static final String OBJECT_TYPE = "clearing_obligation";

    private final ClearingStore store;
    private final LedgerPort ledgers;
    private final Screening screening;
    private final ClearingMetrics metrics;

    public Intake(ClearingStore store, LedgerPort ledgers, Screening screening, ClearingMetrics metrics) {
        this.store = store;
        this.ledgers = ledgers;
        this.screening = screening;
        this.metrics = metrics;
    }

    /** One item's answer, as ledger batches answer: created, exists (an identical replay) or failed. */
    public record Outcome(String status, Obligation obligation, ApiException failure) {
        static Outcome failed(ApiException failure) {
            return new Outcome("failed", null, failure);
        }
    }

    public List<Outcome> take(String ledger, List<ObligationRequest> requests, String principal) {
        List<List<Hit>> hits = new ArrayList<>(requests.size());
        for (ObligationRequest request : requests) {
            hits.add(screen(request));
        }
        List<Outcome> outcomes = Transactions.run(store.dataSource(), "could not take obligations", connection -> {
            Run run = new Run(connection, ClearingStore.lockState(connection, ledger));
            Map<String, Obligation> existing = existing(connection, ledger, requests);
            List<Outcome> answers = new ArrayList<>(requests.size());
            for (int i = 0; i < requests.size(); i++) {
                answers.add(run.one(requests.get(i), hits.get(i), existing, principal));
            }
            if (!run.commit(principal, hits, requests)) {
                // Nothing taken: not even the state's first window, made by the lock, is kept.
                connection.rollback();
            }
            return answers;
        });
        for (Outcome outcome : outcomes) {
            if (outcome.status().equals("created")) {
                metrics.obligation(outcome.obligation().status());
            }
        }
        return outcomes;
    }

    private List<Hit> screen(ObligationRequest request) {
        List<Hit> hits = new ArrayList<>();
        for (String name : new String[] {request.debtorName(), request.creditorName()}) {
            if (name != null && !name.isBlank()) {
                hits.addAll(screening.screen(new Subject(name, null, null)));
            }
        }
        return hits;
    }

    /** The obligations that already have these ids. */
    private static Map<String, Obligation> existing(
            Connection connection, String ledger, List<ObligationRequest> requests) throws SQLException {
        Map<String, Obligation> found = new HashMap<>();
        if (requests.size() == 1) {
            ClearingStore.obligation(connection, ledger, requests.getFirst().id(), false)
                    .ifPresent(obligation -> found.put(obligation.id(), obligation));
            return found;
        }
        String[] ids = requests.stream().map(ObligationRequest::id).toArray(String[]::new);
        try (PreparedStatement select = connection.prepareStatement(
                "select o.id from clearing_obligations o" + " where o.ledger = ? and o.id = any(?)")) {
            select.setString(1, ledger);
            select.setArray(2, connection.createArrayOf("text", ids));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String id = row.getString(1);
                    ClearingStore.obligation(connection, ledger, id, false)
                            .ifPresent(obligation -> found.put(id, obligation));
                }
            }
        }
        return found;
    }

    /** One intake's work under the lock: what it has decided so far, written at the end in batches. */
    private final class Run {
        private final Connection connection;
        private final ClearingStore.State state;
        private final Map<String, Optional<Participant>> participants = new HashMap<>();
        private final Map<String, long[]> positions = new HashMap<>();
        private final Map<String, long[]> deltas = new LinkedHashMap<>();
        private final Map<String, Long> available = new HashMap<>();
        private final Map<String, ClearingStore.NewObligation> made = new LinkedHashMap<>();
        private final long nowMicros;
        private long position;

        Run(Connection connection, ClearingStore.State state) throws SQLException {
            this.connection = connection;
            this.state = state;
            this.position = state.lastPosition();
            // The transaction's own time: what the rows' created_at will say.
            try (PreparedStatement select = connection.prepareStatement("select now()");
                    ResultSet row = select.executeQuery()) {
                row.next();
                this.nowMicros = Timestamps.micros(row, 1);
            }
        }

        Outcome one(ObligationRequest request, List<Hit> hits, Map<String, Obligation> existing, String principal)
                throws SQLException {
            Obligation before = existing.get(request.id());
            ClearingStore.NewObligation earlier = made.get(request.id());
            if (before != null || earlier != null) {
                String hash = before != null
                        ? before.requestHash()
                        : earlier.request().hash();
                if (!hash.equals(request.hash())) {
                    return Outcome.failed(new ApiException(
                            409,
                            "obligation_exists_with_different_fields",
                            "obligation " + request.id() + " exists with other fields"));
                }
                return new Outcome("exists", before != null ? before : obligation(earlier), null);
            }
            ApiException refusal = check(request);
            if (refusal != null) {
                return Outcome.failed(refusal);
            }
            boolean held = !hits.isEmpty();
            ClearingStore.NewObligation one =
                    new ClearingStore.NewObligation(request, ++position, held ? "held" : "accepted", principal);
            made.put(request.id(), one);
            if (!held) {
                add(request.debtor(), request.asset(), 0, request.amount());
                add(request.creditor(), request.asset(), request.amount(), 0);
            }
            return new Outcome("created", obligation(one), null);
        }

        /** The contract's checks in order; null when the obligation may be taken. */
        private ApiException check(ObligationRequest request) throws SQLException {
            Optional<Participant> debtor = participant(request.debtor());
            Optional<Participant> creditor = participant(request.creditor());
            for (Optional<Participant> one : List.of(debtor, creditor)) {
                if (one.isEmpty()) {
                    String missing = debtor.isEmpty() ? request.debtor() : request.creditor();
                    return new ApiException(422, "participant_not_found", "no participant " + missing);
                }
            }
            for (Participant one : List.of(debtor.get(), creditor.get())) {
                if (!one.active()) {
                    return new ApiException(422, "participant_suspended", "participant " + one.id() + " is suspended");
                }
            }
            for (Participant one : List.of(debtor.get(), creditor.get())) {
                if (!one.settlementAccounts().containsKey(request.asset())) {
                    return new ApiException(
                            422,
                            "asset_mismatch",
                            "participant " + one.id() + " has no settlement account in " + request.asset());
                }
            }
            if (request.debtor().equals(request.creditor())) {
                return new ApiException(422, "same_participant", "the debtor and the creditor are one participant");
            }
            return Gate.refusal(
                    debtor.get(),
                    request.asset(),
                    position(request.debtor(), request.asset()),
                    request.amount(),
                    cap(debtor.get(), request.asset()));
        }

        private Optional<Participant> participant(String id) throws SQLException {
            Optional<Participant> cached = participants.get(id);
            if (cached == null) {
                cached = ClearingStore.participant(connection, state.ledger(), id);
                participants.put(id, cached);
            }
            return cached;
        }

        private long[] position(String participant, String asset) throws SQLException {
            String key = participant + "\u0000" + asset;
            long[] cached = positions.get(key);
            if (cached == null) {
                cached = ClearingStore.position(connection, state.ledger(), state.openWindow(), participant, asset);
                positions.put(key, cached);
            }
            return cached;
        }

        private long cap(Participant participant, String asset) {
            Long explicit = participant.netDebitCaps().get(asset);
            if (explicit != null) {
                return explicit;
            }
            String account = participant.settlementAccounts().get(asset);
            return available.computeIfAbsent(
                    account,
                    id -> ledgers.balancesAsOf(state.ledger(), id, LATEST_MICROS)
                            .available());
        }

        private void add(String participant, String asset, long incoming, long outgoing) throws SQLException {
            long[] sums = position(participant, asset);
            sums[0] = Math.addExact(sums[0], incoming);
            sums[1] = Math.addExact(sums[1], outgoing);
            long[] delta = deltas.computeIfAbsent(participant + "\u0000" + asset, key -> new long[2]);
            delta[0] += incoming;
            delta[1] += outgoing;
        }

        private Obligation obligation(ClearingStore.NewObligation one) {
            ObligationRequest request = one.request();
            return new Obligation(
                    0,
                    state.ledger(),
                    request.id(),
                    state.openWindow(),
                    one.position(),
                    request.debtor(),
                    request.creditor(),
                    request.amount(),
                    request.asset(),
                    request.reference(),
                    request.debtorName(),
                    request.creditorName(),
                    ObligationStatus.byCode().get(one.status()),
                    null,
                    request.hash(),
                    nowMicros,
                    nowMicros);
        }

        /** Writes what was taken; false when nothing was. */
        boolean commit(String principal, List<List<Hit>> hits, List<ObligationRequest> requests) throws SQLException {
            if (made.isEmpty()) {
                return false;
            }
            ClearingStore.insertObligations(connection, state.ledger(), state.openWindow(), List.copyOf(made.values()));
            ClearingStore.addPositions(connection, state.ledger(), state.openWindow(), deltas);
            ClearingStore.advancePosition(connection, state.ledger(), position);
            for (int i = 0; i < requests.size(); i++) {
                ClearingStore.NewObligation one = made.get(requests.get(i).id());
                if (one == null || !one.status().equals("held") || one.request() != requests.get(i)) {
                    continue;
                }
                for (Hit hit : hits.get(i)) {
                    screening.openCase(
                            connection,
                            OBJECT_TYPE,
                            state.ledger(),
                            one.request().id(),
                            principal,
                            hit);
                }
                ServiceEvents.append(
                        connection,
                        "clearing.obligation.held",
                        state.ledger(),
                        ClearingJson.obligation(obligation(one)));
            }
            return true;
        }
    }
}
