package dev.pacioli.payments.commissions;

/** A commission plan as stored: the plan, when it was first put, and when it last changed. */
public record StoredPlan(CommissionPlan plan, long createdAtMicros, long updatedAtMicros) {}
