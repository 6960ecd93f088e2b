package dev.pacioli.platform.audit;

import dev.pacioli.platform.Call;
import java.util.Objects;

/**
 * Who acted, as the audit log records it: the principal of the caller's API key and the key's id, the
 * request's id and the address it came from. Taken from the authenticated key, never from anything a
 * request header claims (the request id is the one the response carries). {@link #SYSTEM} is the
 * service itself, for actions no caller asked for: installing its admin key, applying migrations.
 *
 * @param keyId null for the system and for the command line
 * @param requestId null outside HTTP
 * @param sourceIp null outside HTTP
 */
public record Actor(String principal, String keyId, String requestId, String sourceIp) {
    public static final String SYSTEM_PRINCIPAL = "system";

    /** The service itself. */
    public static final Actor SYSTEM = new Actor(SYSTEM_PRINCIPAL, null, null, null);

    public Actor {
        Objects.requireNonNull(principal, "principal");
    }

    /** The caller of an authenticated request. */
    public static Actor of(Call call) {
        Objects.requireNonNull(call.key, "an audited route needs a key");
        return new Actor(
                call.principal(), call.key.id(), call.context.res().getHeader("X-Request-Id"), call.context.ip());
    }

    /** Someone at the command line of this machine, under the principal they name. */
    public static Actor commandLine(String principal) {
        return new Actor(principal, null, null, null);
    }
}
