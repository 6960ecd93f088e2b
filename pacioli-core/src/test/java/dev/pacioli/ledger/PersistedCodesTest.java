package dev.pacioli.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The codes that existing databases and journals hold, written out: an enum constant may be added,
 * reordered or renamed, but a stored code never changes meaning.
 */
class PersistedCodesTest {
    @Test
    void storedCodesKeepTheirMeaning() {
        Map<Enum<?>, Integer> stored = new LinkedHashMap<>();
        stored.put(NormalBalance.DEBIT, 0);
        stored.put(NormalBalance.CREDIT, 1);
        stored.put(AccountStatus.OPEN, 0);
        stored.put(AccountStatus.CLOSED, 1);
        stored.put(TransactionStatus.PENDING, 0);
        stored.put(TransactionStatus.POSTED, 1);
        stored.put(TransactionStatus.VOIDED, 2);
        stored.put(TransactionStatus.EXPIRED, 3);
        stored.put(EntryKind.POSTED, 0);
        stored.put(EntryKind.PENDING, 1);
        stored.put(EntryKind.POST, 2);
        stored.put(EntryKind.VOID, 3);
        stored.put(EntryKind.EXPIRE, 4);
        stored.put(LimitDirection.DEBIT, 0);
        stored.put(LimitDirection.CREDIT, 1);
        stored.forEach(
                (value, code) -> assertThat(codeOf(value)).as(value.toString()).isEqualTo(code));
        stored.forEach((value, code) ->
                assertThat(decode(value.getDeclaringClass(), code)).isSameAs(value));
        for (Class<?> type : new Class<?>[] {
            NormalBalance.class, AccountStatus.class, TransactionStatus.class, EntryKind.class, LimitDirection.class
        }) {
            assertThat(type.getEnumConstants())
                    .as("every constant of %s has its stored code written here", type)
                    .allMatch(stored::containsKey);
        }
    }

    @Test
    void anUnknownCodeIsRefusedNotGuessed() {
        assertThatThrownBy(() -> NormalBalance.ofCode(2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TransactionStatus.ofCode(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int codeOf(Enum<?> value) {
        return switch (value) {
            case NormalBalance v -> v.code;
            case AccountStatus v -> v.code;
            case TransactionStatus v -> v.code;
            case EntryKind v -> v.code;
            case LimitDirection v -> v.code();
            default -> throw new IllegalArgumentException(value.toString());
        };
    }

    private static Enum<?> decode(Class<?> type, int code) {
        if (type == NormalBalance.class) {
            return NormalBalance.ofCode(code);
        } else if (type == AccountStatus.class) {
            return AccountStatus.ofCode(code);
        } else if (type == TransactionStatus.class) {
            return TransactionStatus.ofCode(code);
        } else if (type == LimitDirection.class) {
            return LimitDirection.ofCode(code);
        }
        return EntryKind.ofCode(code);
    }
}
