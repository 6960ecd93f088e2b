package dev.pacioli.controls.screening;

/**
 * A hit on an object that another capability holds until someone decides it.
 *
 * @param objectType the holding capability's name for the object ({@code payout}, {@code deposit})
 * @param ledger the object's ledger, or null for an object of no ledger
 * @param createdBy the principal that created the object: it may not decide the case
 * @param hit what matched (its entry null for a blocked country)
 * @param decision null while open
 * @param decidedAtMicros null while open
 */
public record ScreeningCase(
        String id,
        long sequence,
        String objectType,
        String ledger,
        String objectId,
        String createdBy,
        Hit hit,
        Status status,
        Decision decision,
        String decidedBy,
        Long decidedAtMicros,
        String reason,
        long openedAtMicros) {

    /** Where a case stands. Stored and sent as its code. */
    public enum Status {
        OPEN("open"),
        CLEARED("cleared"),
        CONFIRMED("confirmed");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Status ofCode(String code) {
            for (Status status : values()) {
                if (status.code.equals(code)) {
                    return status;
                }
            }
            return null;
        }
    }

    /** What a compliance officer decides: the hit is not the listed party, or it is. */
    public enum Decision {
        /** A false positive: the object goes where it was going. */
        CLEAR("clear", Status.CLEARED),
        /** A true match: the object is rejected. */
        CONFIRM("confirm", Status.CONFIRMED);

        private final String code;
        private final Status status;

        Decision(String code, Status status) {
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        /** The status a case takes with this decision. */
        public Status status() {
            return status;
        }

        public static Decision ofCode(String code) {
            for (Decision decision : values()) {
                if (decision.code.equals(code)) {
                    return decision;
                }
            }
            return null;
        }
    }
}
