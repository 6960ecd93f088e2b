package dev.pacioli.app;

import dev.pacioli.access.ApiKeys;
import dev.pacioli.platform.ApiKey;
import dev.pacioli.platform.Authenticator;
import dev.pacioli.platform.audit.Actor;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * The demo's payments chapter: a deposit arrives by a signed provider webhook (and again, without a
 * second effect), a payout needs two approvers other than its maker, and a payout the provider fails
 * gives its reserve back. Its connectors and keys are made for the run and removed at its end.
 */
final class DemoPayments {
    private static final long WAIT_MILLIS_MAX = 20_000;

    private final Demo demo;
    private final String suffix;
    private final ApiKeys keys;
    private final List<ApiKey> made = new ArrayList<>();
    private final String bankSecret = Authenticator.newSecret();

    DemoPayments(Demo demo, String ledger, ApiKeys keys) {
        this.demo = demo;
        this.suffix = ledger.substring("demo-".length());
        this.keys = keys;
    }

    void run() {
        String simulator = "demo-sim-" + suffix;
        String bank = "demo-bank-" + suffix;
        String modeBefore = demo.call("GET", "/v1/controls", null).path("mode").stringValue();
        try {
            goLive(modeBefore);
            connectors(simulator, bank);
            depositByWebhook(bank);
            payoutWithTwoApprovers(simulator);
            failedPayout(simulator);
        } finally {
            made.forEach(key -> keys.revoke(key.id(), Actor.SYSTEM));
            demo.step("The run's connectors are removed: nothing is in flight through them any more");
            demo.call("DELETE", "/v1/connectors/" + simulator, null);
            demo.call("DELETE", "/v1/connectors/" + bank, null);
            if ("dry".equals(modeBefore)) {
                demo.step("The platform goes back to dry, as the demo found it");
                demo.call(
                        "PUT",
                        "/v1/controls/mode",
                        "{\"mode\": \"dry\", \"reason\": \"the demo puts the mode back as it found it\"}");
            }
        }
    }

    /** A fresh installation is dry: nothing leaves it until an operator goes live, an audited act. */
    private void goLive(String modeBefore) {
        if (!"dry".equals(modeBefore)) {
            return;
        }
        demo.step("The platform is dry (a fresh installation is): payouts would be held. An operator goes live");
        demo.call("PUT", "/v1/controls/mode", "{\"mode\": \"live\", \"reason\": \"the demo sends its payouts\"}");
    }

    private void connectors(String simulator, String bank) {
        demo.step("Payments: a simulated rail for payouts, and a bank whose webhooks are signed (hex HMAC-SHA256)");
        demo.call(
                "POST",
                "/v1/connectors",
                "{\"id\": \"" + simulator + "\", \"kind\": \"simulator\", \"assets\":"
                        + " {\"USD\": \"providers:sim:USD\"}, \"config\": {}}");
        // The secret is printed as $BANK_SECRET: a secret never appears in what the demo prints.
        String connector = "{\"id\": \"" + bank + "\", \"kind\": \"inbound\", \"assets\": {\"USD\":"
                + " \"providers:bank:USD\"}, \"config\": {}, \"inbound\": {\"scheme\": \"hmac_sha256_hex\","
                + " \"secret\": \"%s\", \"kind\": \"events\"}}";
        demo.call(
                "POST",
                "/v1/connectors",
                connector.formatted(bankSecret),
                connector.formatted("$BANK_SECRET"),
                demo.secretForCalls(),
                "PACIOLI_KEY",
                Map.of());
    }

    private void depositByWebhook(String bank) {
        demo.step("Alice's bank tells us by webhook that 40.00 arrived for her; the event is verified, stored"
                + " by its id, then applied");
        String ledger = demo.ledgerPath.substring("/v1/ledgers/".length());
        String body = "{\"id\": \"evt-bank-1\", \"type\": \"deposit.succeeded\", \"data\": {\"id\": \"bank-77\","
                + " \"amount\": 4000, \"asset\": \"USD\", \"reference\": \"VA-ALICE\", \"metadata\": {\"pacioli_ledger\":"
                + " \"" + ledger + "\", \"pacioli_account\": \"users:alice:wallet\", \"pacioli_deposit\": \"dep-1\"}}}";
        Map<String, String> signed = Map.of("X-Signature", sign(body));
        demo.call("POST", "/v1/inbound/" + bank, body, body, null, null, signed);
        demo.step("The bank sends it again: answered 200, no second deposit");
        demo.call("POST", "/v1/inbound/" + bank, body, body, null, null, signed);
        await(() -> "succeeded"
                .equals(demo.call("GET", demo.ledgerPath + "/deposits/dep-1", null)
                        .path("status")
                        .stringValue(null)));
    }

    private void payoutWithTwoApprovers(String simulator) {
        demo.step("Payouts of 25.00 or more need two approvals, from approvers other than the maker");
        demo.call(
                "PUT",
                demo.ledgerPath + "/approval-policy",
                "{\"rules\": [{\"asset\": \"USD\", \"min_amount\":" + " 2500, \"approvals\": 2}]}");
        String maker = key("demo-maker", ApiKey.Role.WRITER, Set.of());
        String makerAsApprover = key("demo-maker", ApiKey.Role.READER, Set.of(ApiKey.Flag.APPROVER));
        String approverOne = key("demo-approver-1", ApiKey.Role.READER, Set.of(ApiKey.Flag.APPROVER));
        String approverTwo = key("demo-approver-2", ApiKey.Role.READER, Set.of(ApiKey.Flag.APPROVER));
        demo.step("The maker asks for a 30.00 payout from Alice's wallet: the money is reserved at once");
        String request = payout("po-1", 3_000, simulator, "succeed");
        JsonNode payout =
                demo.call("POST", demo.ledgerPath + "/payouts", request, request, maker, "MAKER_KEY", Map.of());
        String approve = "{\"payload_hash\": \"" + payout.path("payload_hash").stringValue() + "\"}";
        demo.step("The maker cannot approve their own payout, even with an approver key of their own");
        demo.call(
                "POST",
                demo.ledgerPath + "/payouts/po-1/approve",
                approve,
                approve,
                makerAsApprover,
                "MAKER_APPROVER_KEY",
                Map.of());
        demo.step("Two approvers approve exactly what they reviewed (its payload_hash); the worker pays it");
        demo.call(
                "POST",
                demo.ledgerPath + "/payouts/po-1/approve",
                approve,
                approve,
                approverOne,
                "APPROVER_1_KEY",
                Map.of());
        demo.call(
                "POST",
                demo.ledgerPath + "/payouts/po-1/approve",
                approve,
                approve,
                approverTwo,
                "APPROVER_2_KEY",
                Map.of());
        await(() -> "paid".equals(status("po-1")));
        demo.call("GET", demo.ledgerPath + "/payouts/po-1", null);
    }

    private void failedPayout(String simulator) {
        demo.step("A 10.00 payout the provider fails: its reserve is voided and the money is Alice's again");
        demo.call("POST", demo.ledgerPath + "/payouts", payout("po-2", 1_000, simulator, "fail"));
        await(() -> "failed".equals(status("po-2")));
        demo.call("GET", demo.ledgerPath + "/payouts/po-2", null);
        await(() -> demo.call("GET", demo.ledgerPath + "/transactions/payout:po-2:reserve", null)
                .path("status")
                .stringValue("")
                .equals("voided"));
        demo.call("GET", demo.ledgerPath + "/accounts/users:alice:wallet", null);
    }

    private String payout(String id, long amount, String connector, String simulate) {
        return "{\"id\": \"" + id + "\", \"source\": \"users:alice:wallet\", \"amount\": " + amount
                + ", \"asset\": \"USD\", \"connector\": \"" + connector + "\", \"destination\": {\"type\":"
                + " \"bank_account\", \"iban\": \"DE89370400440532013000\", \"name\": \"Alice\"},"
                + " \"metadata\": {\"simulate\": \"" + simulate + "\"}}";
    }

    private String status(String id) {
        return demo.call("GET", demo.ledgerPath + "/payouts/" + id, null)
                .path("status")
                .stringValue("");
    }

    private String key(String principal, ApiKey.Role role, Set<ApiKey.Flag> flags) {
        String secret = Authenticator.newSecret();
        made.add(keys.create(principal, principal, role, flags, null, Authenticator.hash(secret), Actor.SYSTEM));
        return secret;
    }

    private String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(bankSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** Polls quietly until the condition holds: the worker and the jobs take a moment. */
    private void await(BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS_MAX;
        demo.quiet(true);
        try {
            while (!condition.getAsBoolean()) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the demo waited " + WAIT_MILLIS_MAX + " ms in vain");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("the demo was interrupted", e);
                }
            }
        } finally {
            demo.quiet(false);
        }
    }
}
