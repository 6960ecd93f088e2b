package dev.pacioli.platform.alerts;

/**
 * What a capability uses to tell operators about a condition: {@link #raise} while it holds,
 * {@link #resolve} when it clears. Both are cheap to call repeatedly: a raise of a dedupe key that is
 * already open only counts (and re-notifies once {@code renotify_seconds} have passed), and resolving
 * a key with no open alert does nothing.
 *
 * <p>Sources must not fail because alerting failed: implementations log and swallow storage errors,
 * since the condition itself is what matters to the caller.
 */
public interface Alerts {
    /**
     * A condition as its source sees it.
     *
     * @param category what kind of condition, lower case: {@code ledger.writer}, {@code webhook}
     * @param dedupeKey one per condition and object: raising it again counts on the same alert
     * @param details free text, or null
     * @param object what the alert concerns ({@code ledger:main}, {@code whk_…}), or null
     */
    record Raise(Severity severity, String category, String dedupeKey, String summary, String details, String object) {
        public Raise {
            if (severity == null || category == null || dedupeKey == null || summary == null) {
                throw new IllegalArgumentException("an alert needs a severity, a category, a dedupe key and a summary");
            }
        }
    }

    void raise(Raise raise);

    void resolve(String dedupeKey);

    /** Alerts that go nowhere: for tools and tests that run a capability without the service. */
    Alerts NONE = new Alerts() {
        @Override
        public void raise(Raise raise) {}

        @Override
        public void resolve(String dedupeKey) {}
    };
}
