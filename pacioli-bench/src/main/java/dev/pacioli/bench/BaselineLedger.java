package dev.pacioli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The conventional PostgreSQL ledger Pacioli is measured against, as teams write it by hand: one
 * database transaction per transfer that locks the accounts in id order with SELECT … FOR UPDATE,
 * checks the balance, updates each account, and inserts the transfer and its entries. Updates and
 * entries go as one pipelined JDBC batch each, which favours the baseline. A pending transfer is two
 * such transactions: one reserves the amount, the second posts it.
 *
 * <p>Its tables live in the benchmark's schema under their own prefix, one set per run, beside
 * Pacioli's on the same server. Balances are credit-normal: balance = credits - debits, and a user's
 * {@code balance - reserved} may not fall below {@code min_balance}.
 */
final class BaselineLedger {
    final String prefix;
    private final DataSource dataSource;

    BaselineLedger(DataSource dataSource, String prefix) {
        this.dataSource = dataSource;
        this.prefix = prefix;
    }

    /** Creates the tables and opens the accounts of {@code accounts}, funded as Pacioli's are. */
    void create(AccountIds accounts) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create table " + prefix + "_accounts (id bigint primary key, balance bigint not null,"
                    + " reserved bigint not null default 0, min_balance bigint)");
            statement.execute("create table " + prefix + "_transfers (id bigint primary key, status smallint not null,"
                    + " created_at timestamptz not null default now())");
            statement.execute("create table " + prefix + "_entries (id bigint generated always as identity primary key,"
                    + " transfer_id bigint not null, account_id bigint not null, amount bigint not null,"
                    + " created_at timestamptz not null default now())");
            statement.execute("create index on " + prefix + "_entries (account_id, id)");
            statement.execute("insert into " + prefix + "_accounts (id, balance, min_balance) select i, "
                    + PacioliLedger.FUNDING + ", 0 from generate_series(0, " + (accounts.bank - 1) + ") i");
            statement.execute("insert into " + prefix + "_accounts (id, balance, min_balance) values (" + accounts.bank
                    + ", " + (-PacioliLedger.FUNDING * accounts.bank) + ", null)");
            statement.execute("analyze " + prefix + "_accounts");
        }
    }

    /** "ok" when the balances sum to zero, no bound is broken, and the posted transfers are those acknowledged. */
    String check(long acknowledged) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select sum(balance), count(*) filter (where balance - reserved"
                        + " < min_balance), (select count(*) from " + prefix + "_transfers where status = 1) from "
                        + prefix + "_accounts")) {
            row.next();
            long sum = row.getLong(1);
            long broken = row.getLong(2);
            long posted = row.getLong(3);
            if (sum != 0 || broken != 0) {
                return "balances sum to " + sum + ", " + broken + " below their minimum";
            }
            return posted == acknowledged ? "ok" : "posted " + posted + " but acknowledged " + acknowledged;
        }
    }

    long committed() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery("select count(*) from " + prefix + "_transfers where status = 1")) {
            row.next();
            return row.getLong(1);
        }
    }

    void drop() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            for (String table : new String[] {"entries", "transfers", "accounts"}) {
                statement.execute("drop table if exists " + prefix + "_" + table);
            }
        }
    }

    /** One worker's connection and statements. Not thread-safe: one per worker. */
    Session session() throws SQLException {
        return new Session(dataSource.getConnection());
    }

    enum Outcome {
        COMMITTED,
        INSUFFICIENT_FUNDS
    }

    final class Session implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement lock;
        private final PreparedStatement update;
        private final PreparedStatement insertTransfer;
        private final PreparedStatement postTransfer;
        private final PreparedStatement insertEntry;
        private final NetChange net = new NetChange();

        Session(Connection connection) throws SQLException {
            this.connection = connection;
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            lock = connection.prepareStatement("select id, balance, reserved, min_balance from " + prefix
                    + "_accounts where id = any(?) order by id for update");
            update = connection.prepareStatement(
                    "update " + prefix + "_accounts set balance = balance + ?, reserved = reserved + ? where id = ?");
            insertTransfer =
                    connection.prepareStatement("insert into " + prefix + "_transfers (id, status) values (?, ?)");
            postTransfer = connection.prepareStatement(
                    "update " + prefix + "_transfers set status = 1 where id = ? and status = 0");
            insertEntry = connection.prepareStatement(
                    "insert into " + prefix + "_entries (transfer_id, account_id, amount) values (?, ?, ?)");
        }

        /** A posted transfer (or, with {@code reserve}, the reservation of a pending one): one transaction. */
        Outcome transfer(long id, Transfer transfer, boolean reserve) throws SQLException {
            net.of(transfer);
            try {
                if (!lockAndCheck(true, !reserve)) {
                    connection.rollback();
                    return Outcome.INSUFFICIENT_FUNDS;
                }
                for (int i = 0; i < net.count; i++) {
                    long change = net.credits[i] - net.debits[i];
                    addUpdate(net.accounts[i], reserve ? 0 : change, reserve ? net.debits[i] : 0);
                }
                update.executeBatch();
                insertTransfer.setLong(1, id);
                insertTransfer.setShort(2, (short) (reserve ? 0 : 1));
                insertTransfer.executeUpdate();
                if (!reserve) {
                    insertEntries(id);
                }
                connection.commit();
                return Outcome.COMMITTED;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }

        /** Posts a reserved transfer in full: the second transaction of the pending workload. */
        void post(long id, Transfer transfer) throws SQLException {
            net.of(transfer);
            try {
                lockAndCheck(false, false);
                for (int i = 0; i < net.count; i++) {
                    addUpdate(net.accounts[i], net.credits[i] - net.debits[i], -net.debits[i]);
                }
                update.executeBatch();
                postTransfer.setLong(1, id);
                if (postTransfer.executeUpdate() != 1) {
                    throw new SQLException("transfer " + id + " was not pending");
                }
                insertEntries(id);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }

        /**
         * Locks the accounts in id order; with {@code check}, false when the debits would take one below
         * its minimum. Credits count as available only when they post now ({@code creditsAvailable}).
         */
        private boolean lockAndCheck(boolean check, boolean creditsAvailable) throws SQLException {
            lock.setArray(1, connection.createArrayOf("bigint", net.boxedAccounts()));
            boolean sufficient = true;
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    int index = net.indexOf(rows.getLong(1));
                    long available = rows.getLong(2) - rows.getLong(3);
                    long min = rows.getLong(4);
                    boolean bounded = !rows.wasNull();
                    long after = available - net.debits[index] + (creditsAvailable ? net.credits[index] : 0);
                    if (check && bounded && after < available && after < min) {
                        sufficient = false;
                    }
                }
            }
            return sufficient;
        }

        private void addUpdate(int account, long balanceChange, long reservedChange) throws SQLException {
            update.setLong(1, balanceChange);
            update.setLong(2, reservedChange);
            update.setLong(3, account);
            update.addBatch();
        }

        private void insertEntries(long id) throws SQLException {
            for (int i = 0; i < net.count; i++) {
                insertEntry.setLong(1, id);
                insertEntry.setLong(2, net.accounts[i]);
                insertEntry.setLong(3, net.credits[i] - net.debits[i]);
                insertEntry.addBatch();
            }
            insertEntry.executeBatch();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** One transfer's debits and credits per account (an account in two legs appears once). */
    static final class NetChange {
        final int[] accounts = new int[8];
        final long[] debits = new long[8];
        final long[] credits = new long[8];
        int count;

        void of(Transfer transfer) {
            count = 0;
            for (int leg = 0; leg < transfer.legs(); leg++) {
                debits[slot(transfer.from()[leg])] += transfer.amounts()[leg];
                credits[slot(transfer.to()[leg])] += transfer.amounts()[leg];
            }
        }

        private int slot(int account) {
            int index = indexOf(account);
            if (index >= 0) {
                return index;
            }
            accounts[count] = account;
            debits[count] = 0;
            credits[count] = 0;
            return count++;
        }

        int indexOf(long account) {
            for (int i = 0; i < count; i++) {
                if (accounts[i] == account) {
                    return i;
                }
            }
            return -1;
        }

        Long[] boxedAccounts() {
            Long[] boxed = new Long[count];
            for (int i = 0; i < count; i++) {
                boxed[i] = (long) accounts[i];
            }
            return boxed;
        }
    }
}
