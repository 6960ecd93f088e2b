package dev.pacioli.platform.audit;

/**
 * Every action the audit log records, as {@code <object_type>.<past-tense verb>}. The code is what is
 * stored and hashed, so a constant is never renamed nor its code changed: a new action is a new
 * constant. docs/audit-log.md lists them all ({@code AuditLogTest} checks the list).
 */
public enum AuditAction {
    API_KEY_CREATED("api_key.created"),
    API_KEY_REVOKED("api_key.revoked"),
    WEBHOOK_ENDPOINT_CREATED("webhook_endpoint.created"),
    WEBHOOK_ENDPOINT_UPDATED("webhook_endpoint.updated"),
    WEBHOOK_ENDPOINT_DELETED("webhook_endpoint.deleted"),
    WEBHOOK_ENDPOINT_SECRET_ROTATED("webhook_endpoint.secret_rotated"),
    WEBHOOK_ENDPOINT_DISABLED("webhook_endpoint.disabled"),
    LEDGER_CREATED("ledger.created"),
    ASSET_CREATED("asset.created"),
    TRANSACTION_FORCE_REVERSED("transaction.force_reversed"),
    SCHEMA_MIGRATED("schema.migrated"),
    SCHEMA_REVERTED("schema.reverted"),
    ALERT_CHANNEL_CREATED("alert_channel.created"),
    ALERT_ROUTES_REPLACED("alert_routes.replaced"),
    CONNECTOR_CREATED("connector.created"),
    CONNECTOR_UPDATED("connector.updated"),
    CONNECTOR_DELETED("connector.deleted"),
    APPROVAL_POLICY_REPLACED("approval_policy.replaced"),
    PAYOUT_APPROVED("payout.approved"),
    PAYOUT_REJECTED("payout.rejected"),
    PAYOUT_CANCELED("payout.canceled"),
    PAYOUT_RELEASED("payout.released"),
    PAYOUT_RESOLVED("payout.resolved"),
    CONTROLS_MODE_CHANGED("controls.mode_changed"),
    CONTROLS_EMERGENCY_STOP_ENGAGED("controls.emergency_stop_engaged"),
    CONTROLS_EMERGENCY_STOP_LIFTED("controls.emergency_stop_lifted"),
    LIMIT_CREATED("limit.created"),
    LIMIT_REPLACED("limit.replaced"),
    LIMIT_DELETED("limit.deleted"),
    SCREENING_LIST_LOADED("screening_list.loaded"),
    SCREENING_CASE_DECIDED("screening_case.decided"),
    CLEARING_PARTICIPANT_CREATED("clearing_participant.created"),
    CLEARING_PARTICIPANT_CHANGED("clearing_participant.changed"),
    CLEARING_SCHEDULE_CHANGED("clearing_schedule.changed"),
    CLEARING_WINDOW_CLOSED("clearing_window.closed"),
    CLEARING_WINDOW_SETTLED("clearing_window.settled"),
    RECONCILIATION_MATCH_CREATED("reconciliation_match.created"),
    RECONCILIATION_MATCH_DELETED("reconciliation_match.deleted"),
    RECONCILIATION_PROPOSAL_ACCEPTED("reconciliation_proposal.accepted"),
    RECONCILIATION_LINE_IGNORED("reconciliation_line.ignored"),
    RECONCILIATION_SETTINGS_REPLACED("reconciliation_settings.replaced"),
    RECONCILIATION_DRIFT_CLEARED("reconciliation_drift.cleared"),
    RECONCILIATION_SCHEDULE_REPLACED("reconciliation_schedule.replaced"),
    TREASURY_BUFFER_CREATED("treasury_buffer.created"),
    TREASURY_BUFFER_REPLACED("treasury_buffer.replaced"),
    TREASURY_CONVERSION_RESOLVED("treasury_conversion.resolved"),
    BALANCE_MONITOR_CREATED("balance_monitor.created"),
    BALANCE_MONITOR_REPLACED("balance_monitor.replaced"),
    CUSTODY_WALLET_CREATED("custody_wallet.created"),
    CUSTODY_KEY_ROTATED("custody_key.rotated"),
    CUSTODY_KEY_ROTATION_FINISHED("custody_key.rotation_finished"),
    CUSTODY_SIGNED("custody.signed"),
    CUSTODY_TRANSACTION_CREATED("custody_transaction.created"),
    CUSTODY_TRANSACTION_RELEASED("custody_transaction.released"),
    CUSTODY_WALLET_MONITOR_SET("custody_wallet.monitor_set");

    private final String code;

    AuditAction(String code) {
        this.code = code;
    }

    /** The stored name: {@code api_key.created}. */
    public String code() {
        return code;
    }

    /** What kind of object it acts on: the code before its dot. */
    public String objectType() {
        return code.substring(0, code.indexOf('.'));
    }

    /** The action with this code, or null when there is none. */
    public static AuditAction ofCode(String code) {
        for (AuditAction action : values()) {
            if (action.code.equals(code)) {
                return action;
            }
        }
        return null;
    }
}
