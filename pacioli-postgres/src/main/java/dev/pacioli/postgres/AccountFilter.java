package dev.pacioli.postgres;

import dev.pacioli.ledger.AccountStatus;
import java.util.Map;

/**
 * Which accounts a list holds; every condition given must hold, a null one holds for all.
 *
 * @param prefix the start of the id. Ids are ASCII identifiers, so a prefix with any other character
 *     matches no account.
 * @param metadata keys and values the account's metadata must all contain
 */
public record AccountFilter(String prefix, String asset, AccountStatus status, Map<String, String> metadata) {
    public static final AccountFilter ALL = new AccountFilter(null, null, null, Map.of());

    public AccountFilter {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
