package dev.pacioli.clearing;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Transactions;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Participants made and changed by an admin (audited). Putting one opens what it settles through: its
 * settlement account per asset when absent (credit-normal, never below zero) and the hub {@code
 * clearing:hub:<asset>} the first time any participant settles in that asset. An existing account
 * serves only if it is credit-normal in that asset, or settling could not move it as the contract says.
 */
public final class Participants {
    private final ClearingStore store;
    private final LedgerPort ledgers;

    public Participants(ClearingStore store, LedgerPort ledgers) {
        this.store = store;
        this.ledgers = ledgers;
    }

    /** Created (true) or replaced. */
    public record Put(boolean created, Participant participant) {}

    public Put put(Participant participant, Actor actor) {
        for (var account : participant.settlementAccounts().entrySet()) {
            open(participant.ledger(), Settlement.hubAccount(account.getKey()), account.getKey());
            open(participant.ledger(), account.getValue(), account.getKey());
        }
        return Transactions.run(store.dataSource(), "could not put participant " + participant.id(), connection -> {
            Optional<Participant> before =
                    ClearingStore.participant(connection, participant.ledger(), participant.id());
            if (participant.bic() != null) {
                try (var select = connection.prepareStatement(
                        "select id from clearing_participants where ledger = ? and bic = ? and id <> ?")) {
                    select.setString(1, participant.ledger());
                    select.setString(2, participant.bic());
                    select.setString(3, participant.id());
                    try (var row = select.executeQuery()) {
                        if (row.next()) {
                            throw new ApiException(
                                    409,
                                    "bic_taken",
                                    "participant " + row.getString(1) + " has BIC " + participant.bic());
                        }
                    }
                }
            }
            boolean created = ClearingStore.putParticipant(connection, participant);
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    created
                                            ? AuditAction.CLEARING_PARTICIPANT_CREATED
                                            : AuditAction.CLEARING_PARTICIPANT_CHANGED,
                                    participant.id(),
                                    before.map(one -> new String(ClearingJson.participant(one), StandardCharsets.UTF_8))
                                            .orElse(null),
                                    new String(ClearingJson.participant(participant), StandardCharsets.UTF_8))
                            .inLedger(participant.ledger()));
            return new Put(created, participant);
        });
    }

    private void open(String ledger, String account, String asset) {
        AccountSpec spec = new AccountSpec(account, asset, NormalBalance.CREDIT, 0L, null, Metadata.EMPTY);
        AccountResult result = Engines.await(ledgers.openAccount(ledger, spec));
        switch (result.code()) {
            case CREATED, EXISTS -> {}
            case ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS -> {
                AccountSpec existing = result.account().spec();
                if (existing.normalBalance() != NormalBalance.CREDIT
                        || !existing.asset().equals(asset)) {
                    throw new ApiException(
                            422,
                            "settlement_account_invalid",
                            "account " + account + " exists, but not as a credit-normal account in " + asset);
                }
            }
            case ASSET_NOT_FOUND -> throw new ApiException(422, "asset_not_found", "no asset " + asset);
            default ->
                throw new ApiException(
                        result.code() == ResultCode.LEDGER_NOT_FOUND ? 404 : 503,
                        result.code().code(),
                        "could not open account " + account + ": "
                                + result.code().code());
        }
    }
}
