package dev.pacioli.payments.connectors;

import dev.pacioli.ledger.AccountResult;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.http.Outcomes;

/**
 * Provider accounts: the debit-normal account, per connector and asset, that stands for the money held
 * at the provider. Opened on a ledger the first time a payout or deposit of that ledger uses it; an
 * account of that id made otherwise is used as it is.
 */
public final class ProviderAccounts {
    private ProviderAccounts() {}

    public static void open(LedgerPort ledgers, String ledger, String account, String asset) {
        AccountResult opened = ledgers.openAccount(
                        ledger,
                        new AccountSpec(
                                account,
                                asset,
                                NormalBalance.DEBIT,
                                null,
                                null,
                                Metadata.of("provider_account", "true")))
                .join();
        ResultCode code = opened.code();
        if (code != ResultCode.CREATED
                && code != ResultCode.EXISTS
                && code != ResultCode.ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS) {
            throw Outcomes.failure(code, "the provider account " + account + ": " + Outcomes.describe(code));
        }
    }
}
