package dev.pacioli.payments.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.payments.rails.TestProvider;
import dev.pacioli.platform.Await;
import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.TestService;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two unknown outcomes through the real worker and an {@code http} connector whose read timeout is
 * half a second: a provider that accepted the transfer but never answered is asked, and the payout is
 * paid with one submission; a provider that never accepted it gets exactly one more submission, with
 * the same idempotency key.
 */
@ParameterizedClass
@MethodSource("dev.pacioli.platform.TestService#all")
class OutcomeUnknownTest {
    private final HttpTester admin;

    OutcomeUnknownTest(TestService.Running service) {
        this.admin = service.admin();
    }

    @Test
    void anAcceptedTransferIsFoundByItsStatusAndOneNeverReceivedIsSentOnceMore() throws Exception {
        String ledger = TestService.uniqueName("unknown");
        String base = admin.openLedgerWithWorldAndWallet(ledger);
        assertThat(admin.post(
                                base + "/transactions",
                                "{\"id\": \"fund\", \"postings\": [{\"from\": \"world\","
                                        + " \"to\": \"wallet\", \"amount\": 1000, \"asset\": \"USD\"}]}")
                        .status())
                .isEqualTo(201);
        String connector =
                TestService.uniqueName("rail").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
        try (TestProvider provider = TestProvider.start()) {
            assertThat(admin.post(
                                    "/v1/connectors",
                                    "{\"id\": \"" + connector + "\", \"kind\": \"http\", \"assets\":"
                                            + " {\"USD\": \"providers:rail:USD\"}, \"config\": {\"base_url\": \""
                                            + provider.baseUrl() + "\", \"read_timeout_ms\": 500}}")
                            .status())
                    .isEqualTo(201);
            String accepted = ledger + ".po-accepted";
            String lost = ledger + ".po-lost";
            provider.nextFor(accepted, TestProvider.Behaviour.ACCEPT_THEN_HANG);
            provider.nextFor(lost, TestProvider.Behaviour.HANG, TestProvider.Behaviour.PAY);
            for (String id : List.of("po-accepted", "po-lost")) {
                assertThat(admin.post(
                                        base + "/payouts",
                                        "{\"id\": \"" + id + "\", \"source\": \"wallet\", \"amount\":"
                                                + " 100, \"asset\": \"USD\", \"connector\": \"" + connector + "\","
                                                + " \"destination\": {\"type\": \"external_id\", \"id\": \"x\"}}")
                                .status())
                        .isEqualTo(201);
            }
            Await.until(
                    "both payouts are paid",
                    Duration.ofSeconds(30),
                    () -> List.of("po-accepted", "po-lost").stream()
                            .allMatch(id -> "paid"
                                    .equals(admin.get(base + "/payouts/" + id)
                                            .json()
                                            .path("status")
                                            .stringValue())));
            provider.releaseHangs();

            assertThat(provider.posts(accepted))
                    .extracting(TestProvider.Post::arrival)
                    .containsExactly(TestProvider.Arrival.NEW);
            assertThat(provider.posts(lost))
                    .extracting(TestProvider.Post::arrival)
                    .containsExactly(TestProvider.Arrival.NOT_ACCEPTED, TestProvider.Arrival.NEW);
            assertThat(provider.posts(lost))
                    .extracting(TestProvider.Post::idempotencyKey)
                    .containsOnly(lost);
            assertThat(provider.receivedNewMoreThanOnce()).isEmpty();
            assertThat(admin.get(base + "/payouts/po-accepted/history")
                            .json()
                            .path("data")
                            .findValuesAsString("kind"))
                    .containsSubsequence("submission", "answer", "status_query");
            assertThat(admin.as(null).get("/metrics").text())
                    .contains("pacioli_payout_duplicate_submissions_total 0.0");
        }
    }
}
