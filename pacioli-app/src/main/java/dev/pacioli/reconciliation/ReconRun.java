package dev.pacioli.reconciliation;

import java.time.LocalDate;

/** A matching run as stored: its period and the JSON of what it found (what {@code GET .../runs/{id}} shows). */
record ReconRun(
        String id,
        String ledger,
        String account,
        LocalDate from,
        LocalDate to,
        int windowDays,
        String summaryJson,
        String createdBy) {}
