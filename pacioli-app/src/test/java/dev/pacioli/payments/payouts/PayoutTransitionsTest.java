package dev.pacioli.payments.payouts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.ServiceMetrics;
import dev.pacioli.platform.jobs.JobSettings;
import dev.pacioli.platform.jobs.Jobs;
import dev.pacioli.postgres.Database;
import dev.pacioli.postgres.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payout state table of payments.md, walked whole on the real store: from every state, every move
 * the table allows is made (its history entry and event written), and every other move is refused with
 * the payout left as it was.
 */
class PayoutTransitionsTest {
    /** payments.md, States and transitions, as written there. */
    private static final Map<PayoutStatus, Set<PayoutStatus>> CONTRACT = Map.ofEntries(
            Map.entry(
                    PayoutStatus.REQUIRES_APPROVAL,
                    EnumSet.of(
                            PayoutStatus.APPROVED, PayoutStatus.REJECTED, PayoutStatus.EXPIRED, PayoutStatus.CANCELED)),
            Map.entry(
                    PayoutStatus.APPROVED,
                    EnumSet.of(PayoutStatus.PROCESSING, PayoutStatus.HELD, PayoutStatus.CANCELED)),
            Map.entry(
                    PayoutStatus.HELD,
                    EnumSet.of(
                            PayoutStatus.REQUIRES_APPROVAL,
                            PayoutStatus.APPROVED,
                            PayoutStatus.REJECTED,
                            PayoutStatus.CANCELED)),
            Map.entry(
                    PayoutStatus.PROCESSING,
                    EnumSet.of(PayoutStatus.PAID, PayoutStatus.FAILED, PayoutStatus.NEEDS_REVIEW)),
            Map.entry(PayoutStatus.NEEDS_REVIEW, EnumSet.of(PayoutStatus.PAID, PayoutStatus.FAILED)),
            Map.entry(PayoutStatus.PAID, EnumSet.of(PayoutStatus.RETURNED)),
            Map.entry(PayoutStatus.FAILED, EnumSet.noneOf(PayoutStatus.class)),
            Map.entry(PayoutStatus.CANCELED, EnumSet.noneOf(PayoutStatus.class)),
            Map.entry(PayoutStatus.REJECTED, EnumSet.noneOf(PayoutStatus.class)),
            Map.entry(PayoutStatus.EXPIRED, EnumSet.noneOf(PayoutStatus.class)),
            Map.entry(PayoutStatus.RETURNED, EnumSet.noneOf(PayoutStatus.class)));

    private static Database database;
    private static Jobs jobs;
    private static PayoutStore store;

    @BeforeAll
    static void ownSchema() {
        database = TestDatabases.ownSchema(TestDatabases.all().getFirst().database(), "pacioli_transitions", 4);
        jobs = new Jobs(database.dataSource(), JobSettings.DEFAULTS, new ServiceMetrics());
        store = new PayoutStore(database.dataSource(), jobs);
    }

    @AfterAll
    static void dropSchema() {
        jobs.close();
        TestDatabases.drop(database);
    }

    @Test
    void theStateTableIsTheContractsAndNothingElse() {
        for (PayoutStatus from : PayoutStatus.values()) {
            assertThat(from.next()).as("moves from %s", from).isEqualTo(CONTRACT.get(from));
        }
    }

    @Test
    void everyLegalMoveIsMadeAndEveryOtherRefusedOnTheStore() throws SQLException {
        int made = 0;
        int refused = 0;
        for (PayoutStatus from : PayoutStatus.values()) {
            for (PayoutStatus to : PayoutStatus.values()) {
                String id = "p-" + from.code() + "-" + to.code();
                seed(id, from);
                PayoutStore.Change change = to == PayoutStatus.HELD
                        ? new PayoutStore.Change("screening", from, null, null, null, false)
                        : PayoutStore.Change.NONE;
                PayoutStore.Outcome outcome =
                        store.transition("walk", id, to, PayoutStore.Guard.NONE, change, "tester", null);
                Payout after = store.find("walk", id).orElseThrow();
                if (CONTRACT.get(from).contains(to)) {
                    assertThat(outcome).as("%s -> %s", from, to).isInstanceOf(PayoutStore.Outcome.Moved.class);
                    assertThat(after.status()).isEqualTo(to);
                    assertThat(store.history("walk", id)).last().satisfies(entry -> {
                        assertThat(entry.from()).isEqualTo(from);
                        assertThat(entry.to()).isEqualTo(to);
                    });
                    made++;
                } else {
                    assertThat(outcome).as("%s -> %s", from, to).isInstanceOf(PayoutStore.Outcome.Refused.class);
                    assertThat(((PayoutStore.Outcome.Refused) outcome).code())
                            .isEqualTo(PayoutStore.INVALID_STATE_TRANSITION);
                    assertThat(after.status()).isEqualTo(from);
                    refused++;
                }
            }
        }
        assertThat(made)
                .isEqualTo(CONTRACT.values().stream().mapToInt(Set::size).sum());
        assertThat(made + refused).isEqualTo(PayoutStatus.values().length * PayoutStatus.values().length);
    }

    /** A payout row in {@code status}, as its creation writes it, then moved there directly. */
    private static void seed(String id, PayoutStatus status) throws SQLException {
        PayoutRequest request = new PayoutRequest(
                "walk",
                id,
                "wallet",
                100,
                "USD",
                "sim",
                Map.of("type", "external_id", "id", "x"),
                null,
                null,
                Metadata.EMPTY,
                null);
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            store.creation(request, "tester", PayoutStatus.REQUIRES_APPROVAL, 1, 3600L, null)
                    .write(connection);
            try (PreparedStatement update = connection.prepareStatement("update payouts set status = ?,"
                    + " hold_reason = ?, held_from = ? where ledger = 'walk' and id = ?")) {
                update.setString(1, status.code());
                update.setString(2, status == PayoutStatus.HELD ? "screening" : null);
                update.setString(3, status == PayoutStatus.HELD ? "approved" : null);
                update.setString(4, id);
                update.executeUpdate();
            }
            connection.commit();
        }
    }
}
