package dev.pacioli.payments.payouts;

import dev.pacioli.ledger.LedgerStore.StoreException;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.platform.audit.AuditAction;
import dev.pacioli.platform.audit.AuditEntry;
import dev.pacioli.platform.audit.AuditLog;
import dev.pacioli.postgres.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;

/** Each ledger's approval policy, replaced whole and audited. */
public final class PolicyStore {
    private final DataSource dataSource;

    public PolicyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public ApprovalPolicy get(String ledger) {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection, ledger).orElse(ApprovalPolicy.NONE);
        } catch (SQLException e) {
            throw new StoreException("could not read the approval policy of " + ledger, e);
        }
    }

    /** Replaces the ledger's policy, with its audit record, in one transaction. */
    public void put(String ledger, ApprovalPolicy policy, Actor actor) {
        Transactions.run(dataSource, "could not replace the approval policy of " + ledger, connection -> {
            try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "approval_policy:" + ledger);
                lock.execute();
            }
            Optional<ApprovalPolicy> before = read(connection, ledger);
            try (PreparedStatement upsert = connection.prepareStatement("insert into approval_policies (ledger, policy)"
                    + " values (?, ?::jsonb) on conflict (ledger) do update set policy = excluded.policy,"
                    + " updated_at = now()")) {
                upsert.setString(1, ledger);
                upsert.setString(2, json(policy));
                upsert.executeUpdate();
            }
            AuditLog.append(
                    connection,
                    actor,
                    AuditEntry.of(
                                    AuditAction.APPROVAL_POLICY_REPLACED,
                                    ledger,
                                    before.map(PolicyStore::json).orElse(null),
                                    json(policy))
                            .inLedger(ledger));
            return null;
        });
    }

    private static Optional<ApprovalPolicy> read(Connection connection, String ledger) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("select policy::text from approval_policies where ledger = ?")) {
            select.setString(1, ledger);
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                        ? Optional.of(parse(RequestReader.MAPPER.readTree(row.getString(1))))
                        : Optional.empty();
            }
        }
    }

    /** The policy as the API and the table show it. */
    static String json(ApprovalPolicy policy) {
        Map<String, Object> json = new LinkedHashMap<>();
        List<Map<String, Object>> rules = new ArrayList<>();
        for (ApprovalPolicy.Rule rule : policy.rules()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("asset", rule.asset());
            one.put("min_amount", rule.minAmount());
            one.put("approvals", rule.approvals());
            rules.add(one);
        }
        json.put("rules", rules);
        json.put("approval_window_seconds", policy.approvalWindowSeconds());
        json.put("routing", new TreeMap<>(policy.routing()));
        return RequestReader.MAPPER.writeValueAsString(json);
    }

    private static ApprovalPolicy parse(JsonNode json) {
        List<ApprovalPolicy.Rule> rules = new ArrayList<>();
        for (JsonNode rule : json.path("rules")) {
            rules.add(new ApprovalPolicy.Rule(
                    rule.path("asset").stringValue(),
                    rule.path("min_amount").longValue(),
                    rule.path("approvals").intValue()));
        }
        Map<String, List<String>> routing = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : json.path("routing").properties()) {
            List<String> connectors = new ArrayList<>();
            entry.getValue().forEach(connector -> connectors.add(connector.stringValue()));
            routing.put(entry.getKey(), connectors);
        }
        return new ApprovalPolicy(rules, json.path("approval_window_seconds").longValue(), routing);
    }
}
