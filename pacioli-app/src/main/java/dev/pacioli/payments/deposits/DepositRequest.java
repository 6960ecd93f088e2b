package dev.pacioli.payments.deposits;

import dev.pacioli.controls.screening.Subject;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.RequestReader;
import java.util.Objects;

/**
 * A deposit to record: from a verified provider event, the simulator, or an operator.
 *
 * @param providerEventId the event that told of it; null for an operator's
 * @param originator who sent it, when the provider (or the operator) names them: screened at creation
 */
public record DepositRequest(
        String ledger,
        String id,
        String account,
        long amount,
        String asset,
        String connector,
        String providerReference,
        String providerEventId,
        Metadata metadata,
        Subject originator) {
    /** Characters of an originator's address (a wallet address, an account number). */
    public static final int ORIGINATOR_ADDRESS_LENGTH_MAX = 256;

    /**
     * The optional {@code originator} object {@code {"name", "country", "address"}} of a request body:
     * null when absent or empty; {@code country} is ISO 3166 alpha-2, upper case.
     */
    public static Subject originator(RequestReader.Fields body) {
        RequestReader.Fields fields = body.object("originator", false, "name", "country", "address");
        if (fields == null) {
            return null;
        }
        String name = fields.string("name", false, Subject.NAME_LENGTH_MAX);
        String country = fields.string("country", false, 2);
        String address = fields.string("address", false, ORIGINATOR_ADDRESS_LENGTH_MAX);
        if (country != null && !country.matches("[A-Z]{2}")) {
            body.reader().add(fields.path("country"), FieldError.INVALID_FORMAT, "must be an ISO 3166 alpha-2 code");
        }
        return name == null && country == null && address == null ? null : new Subject(name, country, address);
    }

    /** Whether a stored deposit is this one again (a replay), not another by the same id. */
    public boolean sameAs(Deposit deposit) {
        return deposit.account().equals(account)
                && deposit.amount() == amount
                && deposit.asset().equals(asset)
                && Objects.equals(deposit.connector(), connector);
    }
}
