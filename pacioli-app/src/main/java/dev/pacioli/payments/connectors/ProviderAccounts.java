package dev.pacioli.payments.connectors;

import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Accounts payments open on first use. Provider accounts: the debit-normal account, per connector and
 * asset, that stands for the money held at the provider, opened on a ledger the first time a payout or
 * deposit of that ledger uses it. Commission payees: credit-normal. An account of that id made otherwise
 * is used as it is; the ledger judges its asset and side when the transaction is submitted.
 */
public final class ProviderAccounts {
    /**
     * Accounts known opened, per service's ledgers and ledger: an account is never deleted, so once
     * opened it need not be asked for again (each ask is a round trip through the ledger's writer).
     * Bounded: forgotten whole when full, which only costs asking again.
     */
    private static final Map<LedgerPort, Set<String>> OPENED = Collections.synchronizedMap(new WeakHashMap<>());

    private static final int REMEMBERED_MAX = 100_000;

    private ProviderAccounts() {}

    public static void open(LedgerPort ledgers, String ledger, String account, String asset) {
        open(
                ledgers,
                ledger,
                new AccountSpec(
                        account, asset, NormalBalance.DEBIT, null, null, Metadata.of("provider_account", "true")));
    }

    /** A credit-normal account opened when missing: a commission's payee. */
    public static void openCredit(LedgerPort ledgers, String ledger, String account, String asset) {
        open(ledgers, ledger, new AccountSpec(account, asset, NormalBalance.CREDIT, null, null, Metadata.EMPTY));
    }

    private static void open(LedgerPort ledgers, String ledger, AccountSpec spec) {
        Set<String> opened = OPENED.computeIfAbsent(ledgers, port -> ConcurrentHashMap.newKeySet());
        String known = ledger + "\u0000" + spec.id();
        if (opened.contains(known)) {
            return;
        }
        ResultCode code = Engines.await(ledgers.openAccount(ledger, spec)).code();
        if (code != ResultCode.CREATED
                && code != ResultCode.EXISTS
                && code != ResultCode.ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS) {
            throw Outcomes.failure(code, "the account " + spec.id() + ": " + Outcomes.describe(code));
        }
        if (opened.size() >= REMEMBERED_MAX) {
            opened.clear();
        }
        opened.add(known);
    }
}
