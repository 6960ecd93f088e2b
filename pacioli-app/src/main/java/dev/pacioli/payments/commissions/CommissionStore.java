package dev.pacioli.payments.commissions;

import dev.pacioli.ledger.Assert;
import dev.pacioli.postgres.Timestamps;
import dev.pacioli.postgres.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Parties and commission plans in PostgreSQL (tables from {@code db/payments/V19}).
 *
 * <p>Concurrency of referrals. Two changes can close a cycle together that neither closes alone: A
 * takes B as referrer while B takes A, each checking a chain that does not yet hold the other's change.
 * Every party write therefore takes a per-ledger advisory lock for its transaction ({@code
 * pg_advisory_xact_lock}) before it reads the chain, so the writes of a ledger's parties run one after
 * another and each reads every change committed before it (READ COMMITTED reads afresh per statement).
 * Locking rows along the chain ({@code select … for update}) was the other choice, and a worse one: the
 * two changes above lock each other's rows in opposite orders and deadlock (one fails with 40P01 and
 * would need a retry), a party being created has no row to lock yet, and a chain of 10,000 parties
 * would take 10,000 row locks. The advisory lock costs one lock per write and serializes only referral
 * changes of one ledger, which are rare and short (one bounded query and one row); reads, and the chain
 * walks of commission payments, take no lock. Its key is the one-bigint form, whose lock space PostgreSQL
 * keeps apart from the two-int form the ledgers' writer locks use, made of the schema (tests run
 * services in schemas of one database) and the ledger.
 */
public final class CommissionStore {
    private static final String LOCK_REFERRALS = "select pg_advisory_xact_lock("
            + "(hashtext('pacioli.parties:' || current_schema())::bigint << 32) | (hashtext(?)::bigint & 4294967295))";

    /** The chain from a party upwards, itself first, to at most {@code ?} parties. */
    private static final String CHAIN = """
            with recursive chain (id, referrer, depth) as (
                select id, referrer, 1 from parties where ledger = ? and id = ?
              union all
                select p.id, p.referrer, c.depth + 1
                  from chain c join parties p on p.ledger = ? and p.id = c.referrer
                 where c.depth < ?
            )
            select id from chain order by depth""";

    private static final String PLAN_COLUMNS = "asset, levels_bps, source, payee_account, created_at, updated_at";

    private final DataSource dataSource;

    public CommissionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Why a party's referrer was refused. */
    public enum Refusal {
        REFERRER_NOT_FOUND,
        CYCLE,
        CHAIN_TOO_LONG
    }

    /** What putting a party did. */
    public sealed interface PartyPut {
        /** Stored: created, or updated (which may have changed nothing). */
        record Stored(Party party, boolean created) implements PartyPut {}

        record Refused(Refusal refusal) implements PartyPut {}
    }

    /**
     * Creates the party or sets its referrer (null: none), unless the referrer does not exist or would
     * close a cycle; see the class comment for why two such changes cannot both pass.
     */
    public PartyPut putParty(String ledger, String id, String referrer) {
        return Transactions.run(dataSource, "could not store party '" + id + "'", connection -> {
            try (PreparedStatement lock = connection.prepareStatement(LOCK_REFERRALS)) {
                lock.setString(1, ledger);
                lock.execute();
            }
            if (referrer != null) {
                List<String> chain = chain(connection, ledger, referrer, ReferralCheck.CHAIN_LENGTH_MAX + 1);
                if (chain.isEmpty()) {
                    return new PartyPut.Refused(Refusal.REFERRER_NOT_FOUND);
                }
                switch (ReferralCheck.check(id, chain)) {
                    case ACCEPTED -> {}
                    case CYCLE -> {
                        return new PartyPut.Refused(Refusal.CYCLE);
                    }
                    case CHAIN_TOO_LONG -> {
                        return new PartyPut.Refused(Refusal.CHAIN_TOO_LONG);
                    }
                }
            }
            Optional<Party> existing = party(connection, ledger, id);
            if (existing.isEmpty()) {
                return new PartyPut.Stored(insertParty(connection, ledger, id, referrer), true);
            }
            boolean same = Objects.equals(existing.get().referrer(), referrer);
            return new PartyPut.Stored(same ? existing.get() : updateParty(connection, ledger, id, referrer), false);
        });
    }

    public Optional<Party> party(String ledger, String id) {
        return Transactions.run(
                dataSource, "could not read party '" + id + "'", connection -> party(connection, ledger, id));
    }

    /**
     * The ancestors of a party, its referrer first, at most {@code levels} of them; empty when the party
     * does not exist. What a commission payment walks: never more than a plan's levels.
     */
    public Optional<List<String>> ancestors(String ledger, String party, int levels) {
        Assert.that(levels >= 1 && levels <= CommissionPlan.LEVELS_MAX, "a plan pays 1..10 levels: %s", levels);
        List<String> chain = Transactions.run(
                dataSource,
                "could not read the referrals of '" + party + "'",
                connection -> chain(connection, ledger, party, levels + 1));
        return chain.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(chain.subList(1, chain.size())));
    }

    /** What putting a plan did: created, or updated (which may have changed nothing). */
    public record PlanPut(StoredPlan stored, boolean created) {}

    /** Creates the plan or replaces its fields; a replacement changes what later payments pay, nothing paid. */
    public PlanPut putPlan(String ledger, CommissionPlan plan) {
        return Transactions.run(dataSource, "could not store commission plan '" + plan.id() + "'", connection -> {
            Optional<StoredPlan> created = insertPlan(connection, ledger, plan);
            if (created.isPresent()) {
                return new PlanPut(created.get(), true);
            }
            StoredPlan existing = plan(connection, ledger, plan.id(), true).orElseThrow();
            if (existing.plan().equals(plan)) {
                return new PlanPut(existing, false);
            }
            return new PlanPut(updatePlan(connection, ledger, plan), false);
        });
    }

    public Optional<StoredPlan> plan(String ledger, String id) {
        return Transactions.run(
                dataSource,
                "could not read commission plan '" + id + "'",
                connection -> plan(connection, ledger, id, false));
    }

    // ---- SQL --------------------------------------------------------------------------------------

    private static List<String> chain(Connection connection, String ledger, String start, int lengthMax)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(CHAIN)) {
            query.setString(1, ledger);
            query.setString(2, start);
            query.setString(3, ledger);
            query.setInt(4, lengthMax);
            List<String> chain = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    chain.add(rows.getString(1));
                }
            }
            Assert.that(chain.size() <= lengthMax, "the chain query read past its bound");
            return chain;
        }
    }

    private static Optional<Party> party(Connection connection, String ledger, String id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "select id, referrer, created_at, updated_at from parties where ledger = ? and id = ?")) {
            query.setString(1, ledger);
            query.setString(2, id);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(party(row)) : Optional.empty();
            }
        }
    }

    private static Party insertParty(Connection connection, String ledger, String id, String referrer)
            throws SQLException {
        return oneParty(
                connection,
                "insert into parties (ledger, id, referrer) values (?, ?, ?)"
                        + " returning id, referrer, created_at, updated_at",
                ledger,
                id,
                referrer);
    }

    private static Party updateParty(Connection connection, String ledger, String id, String referrer)
            throws SQLException {
        return oneParty(
                connection,
                "update parties set referrer = ?, updated_at = now() where ledger = ? and id = ?"
                        + " returning id, referrer, created_at, updated_at",
                referrer,
                ledger,
                id);
    }

    private static Party oneParty(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                Assert.that(row.next(), "a party write returns its row");
                return party(row);
            }
        }
    }

    private static Party party(ResultSet row) throws SQLException {
        return new Party(row.getString(1), row.getString(2), Timestamps.micros(row, 3), Timestamps.micros(row, 4));
    }

    private static Optional<StoredPlan> insertPlan(Connection connection, String ledger, CommissionPlan plan)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into commission_plans (ledger, id, asset, levels_bps, source, payee_account)"
                        + " values (?, ?, ?, ?, ?, ?) on conflict (ledger, id) do nothing returning "
                        + PLAN_COLUMNS)) {
            insert.setString(1, ledger);
            insert.setString(2, plan.id());
            setPlanFields(connection, insert, 3, plan);
            try (ResultSet row = insert.executeQuery()) {
                return row.next() ? Optional.of(plan(plan.id(), row)) : Optional.empty();
            }
        }
    }

    private static StoredPlan updatePlan(Connection connection, String ledger, CommissionPlan plan)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "update commission_plans set asset = ?, levels_bps = ?, source = ?, payee_account = ?,"
                        + " updated_at = now() where ledger = ? and id = ? returning " + PLAN_COLUMNS)) {
            setPlanFields(connection, update, 1, plan);
            update.setString(5, ledger);
            update.setString(6, plan.id());
            try (ResultSet row = update.executeQuery()) {
                Assert.that(row.next(), "the plan to update exists: it was read in this transaction");
                return plan(plan.id(), row);
            }
        }
    }

    private static void setPlanFields(
            Connection connection, PreparedStatement statement, int first, CommissionPlan plan) throws SQLException {
        statement.setString(first, plan.asset());
        statement.setArray(
                first + 1, connection.createArrayOf("integer", plan.levelsBps().toArray()));
        statement.setString(first + 2, plan.source());
        statement.setString(first + 3, plan.payeeAccount());
    }

    private static Optional<StoredPlan> plan(Connection connection, String ledger, String id, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("select " + PLAN_COLUMNS
                + " from commission_plans where ledger = ? and id = ?" + (forUpdate ? " for update" : ""))) {
            query.setString(1, ledger);
            query.setString(2, id);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(plan(id, row)) : Optional.empty();
            }
        }
    }

    /** The plan of a row of {@link #PLAN_COLUMNS}. */
    private static StoredPlan plan(String id, ResultSet row) throws SQLException {
        Array levels = row.getArray(2);
        List<Integer> levelsBps = Arrays.asList((Integer[]) levels.getArray());
        levels.free();
        CommissionPlan plan = new CommissionPlan(id, row.getString(1), levelsBps, row.getString(3), row.getString(4));
        return new StoredPlan(plan, Timestamps.micros(row, 5), Timestamps.micros(row, 6));
    }
}
