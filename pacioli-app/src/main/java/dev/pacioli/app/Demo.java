package dev.pacioli.app;

import dev.pacioli.ledger.Account;
import dev.pacioli.ledger.AccountSpec;
import dev.pacioli.ledger.Asset;
import dev.pacioli.ledger.Ledger;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.NormalBalance;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.VerifyReport;
import dev.pacioli.ledger.engine.EngineConfig;
import dev.pacioli.ledger.engine.LedgerClock;
import dev.pacioli.ledger.engine.LedgerEngine;
import dev.pacioli.ledger.engine.TransactionResult;
import dev.pacioli.postgres.Database;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The demo a newcomer runs first: a small payments ledger, driven through the engine, each step
 * printed with its answer. Every run makes a new ledger, so it can be run again and again.
 */
final class Demo {
    private static final List<String> ACCOUNTS =
            List.of("world", "users:alice:wallet", "users:bob:wallet", "merchants:acme:revenue", "platform:fees");

    private final Database database;
    private final PrintStream out;
    private LedgerEngine engine;

    Demo(Database database, PrintStream out) {
        this.database = database;
        this.out = out;
    }

    boolean run() {
        String name =
                "demo-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        database.catalog().putAsset(new Asset("USD", 2));
        Ledger ledger = database.catalog()
                .createLedger(name, Metadata.of("purpose", "demo"))
                .ledger();
        out.printf(
                "Pacioli demo on %s%nledger %s, asset USD (scale 2: amounts are cents)%n%n", database.describe(), name);
        try (LedgerEngine started =
                LedgerEngine.start(database.store(), ledger.id(), name, EngineConfig.DEFAULTS, LedgerClock.SYSTEM)) {
            engine = started;
            openAccounts();
            moveMoney();
            printBalances(ledger);
        }
        VerifyReport report = database.verification().verify(ledger);
        out.println();
        printReport(out, report);
        out.printf("%nRun it again with: ./pacioli verify %s%n", name);
        return report.ok();
    }

    private void openAccounts() {
        step("Open five accounts: wallets and revenue may not go negative (min_balance 0)");
        open(new AccountSpec("world", "USD", NormalBalance.DEBIT, null, null, Metadata.of("role", "external")));
        open(new AccountSpec(
                "users:alice:wallet", "USD", NormalBalance.CREDIT, 0L, null, Metadata.of("owner", "alice")));
        open(new AccountSpec("users:bob:wallet", "USD", NormalBalance.CREDIT, 0L, null, Metadata.of("owner", "bob")));
        open(new AccountSpec("merchants:acme:revenue", "USD", NormalBalance.CREDIT, 0L, null, Metadata.EMPTY));
        open(new AccountSpec("platform:fees", "USD", NormalBalance.CREDIT, null, null, Metadata.EMPTY));
    }

    private void open(AccountSpec spec) {
        out.printf(
                "  %-24s %-7s -> %s%n",
                spec.id(),
                spec.normalBalance().name().toLowerCase(),
                join(engine.createAccount(spec)).code().code());
    }

    private void moveMoney() {
        step("Alice deposits 100.00");
        show(engine.createTransaction(
                TransactionSpec.posted("deposit-1", posting("world", "users:alice:wallet", 10_000))));

        step("Alice pays Acme 15.00; Acme pays the platform a 0.45 fee, in the same transaction");
        TransactionSpec payment = new TransactionSpec(
                "pay-8812",
                List.of(
                        posting("users:alice:wallet", "merchants:acme:revenue", 1_500),
                        posting("merchants:acme:revenue", "platform:fees", 45)),
                false,
                null,
                Metadata.of("order", "A-1"),
                "Order A-1");
        show(engine.createTransaction(payment));

        step("The same payment is retried with the same id: it is not applied twice");
        show(engine.createTransaction(payment));

        step("A hold of 20.00 from Alice to Bob, pending for an hour");
        show(engine.createTransaction(
                TransactionSpec.pending("hold-1", 3_600L, posting("users:alice:wallet", "users:bob:wallet", 2_000))));

        step("The hold is posted in part, 12.00; the other 8.00 returns to Alice");
        show(engine.post("hold-1", 1_200L));

        step("The payment is refunded by reversing it");
        show(engine.reverse("pay-8812", "refund-8812", Metadata.of("reason", "customer request"), null, false));

        step("Bob tries to withdraw 50.00 but holds 12.00: refused, and nothing changes");
        show(engine.createTransaction(
                TransactionSpec.posted("withdraw-1", posting("users:bob:wallet", "world", 5_000))));
    }

    private void printBalances(Ledger ledger) {
        step("Balances, as stored");
        out.printf("  %-24s %12s %12s %12s %8s%n", "account", "balance", "available", "pending out", "version");
        for (Account account : database.store().loadAccounts(ledger.id(), ACCOUNTS).stream()
                .sorted(java.util.Comparator.comparing(account -> ACCOUNTS.indexOf(account.id())))
                .toList()) {
            long pendingOut = account.spec().normalBalance() == NormalBalance.CREDIT
                    ? account.balances().pendingDebits()
                    : account.balances().pendingCredits();
            out.printf(
                    "  %-24s %12s %12s %12s %8d%n",
                    account.id(),
                    money(account.balance()),
                    money(account.available()),
                    money(pendingOut),
                    account.version());
        }
    }

    static void printReport(PrintStream out, VerifyReport report) {
        out.printf("verify: %s%n", report.ok() ? "ok" : "FAILED");
        report.checked().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(checked -> out.printf("  checked %-16s %d%n", checked.getKey(), checked.getValue()));
        report.failures().forEach(failure -> out.println("  failure: " + failure));
    }

    private void step(String title) {
        out.printf("%n%s%n", title);
    }

    private void show(CompletableFuture<TransactionResult> answer) {
        TransactionResult result = join(answer);
        if (result.transaction() == null || !result.code().succeeded()) {
            out.printf("  -> %s%n", result.code().code());
            return;
        }
        out.printf(
                "  -> %s: %s %s, sequence %d%n",
                result.code().code(),
                result.transaction().id(),
                result.transaction().status().name().toLowerCase(),
                result.transaction().sequence());
        if (result.code() == ResultCode.EXISTS) {
            out.println("     (the original is returned; balances are untouched)");
        }
    }

    private static Posting posting(String from, String to, long amount) {
        return new Posting(from, to, amount, "USD");
    }

    /** Cents as a decimal string, with integer arithmetic only. */
    static String money(long cents) {
        String sign = cents < 0 ? "-" : "";
        long magnitude = Math.abs(cents);
        return String.format("%s%d.%02d", sign, magnitude / 100, magnitude % 100);
    }

    private static <T> T join(CompletableFuture<T> future) {
        return future.join();
    }
}
