package dev.pacioli.ledger.http;

import dev.pacioli.ledger.LimitBreach;
import dev.pacioli.ledger.Limits;
import dev.pacioli.ledger.ResultCode;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.platform.ApiException;
import java.util.List;

/** The one table from the engine's result codes to HTTP statuses. Exhaustive: a new code must be placed. */
public final class Outcomes {
    /** Seconds a client should wait before retrying when the writer is overloaded. */
    public static final long OVERLOADED_RETRY_SECONDS = 1;

    private Outcomes() {}

    public static int status(ResultCode code) {
        return switch (code) {
            case CREATED -> 201;
            case EXISTS, OK -> 200;
            case ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS, TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS -> 409;
            case ASSET_NOT_FOUND,
                    ACCOUNT_NOT_FOUND,
                    ACCOUNT_CLOSED,
                    ASSET_MISMATCH,
                    SAME_ACCOUNT,
                    INSUFFICIENT_FUNDS,
                    EXCEEDS_MAX_BALANCE,
                    BALANCE_OVERFLOW,
                    LIMIT_EXCEEDED,
                    LIMIT_NOT_APPLICABLE,
                    LINKED_TRANSACTION_FAILED,
                    POST_AMOUNT_EXCEEDS_PENDING,
                    PARTIAL_POST_REQUIRES_SINGLE_POSTING,
                    STORAGE_REJECTED -> 422;
            case TRANSACTION_NOT_FOUND, LEDGER_NOT_FOUND, LIMIT_NOT_FOUND -> 404;
            case TRANSACTION_NOT_PENDING,
                    PENDING_ALREADY_POSTED,
                    PENDING_ALREADY_VOIDED,
                    PENDING_EXPIRED,
                    TRANSACTION_NOT_POSTED,
                    TRANSACTION_ALREADY_REVERSED,
                    ACCOUNT_NOT_EMPTY,
                    TOO_MANY_LIMITS -> 409;
            case OVERLOADED, STORAGE_UNAVAILABLE, WRITER_STOPPED -> 503;
        };
    }

    /** The problem for a failed result. */
    public static ApiException failure(ResultCode code, String detail) {
        long retryAfter = code == ResultCode.OVERLOADED ? OVERLOADED_RETRY_SECONDS : 0;
        return new ApiException(status(code), code.code(), detail, List.of(), retryAfter);
    }

    /** The problem for a failed transaction: for {@code limit_exceeded}, with the limit and what remains. */
    public static ApiException failure(TransactionResult result) {
        ApiException problem = failure(result.code(), describe(result.code()));
        LimitBreach breach = result.breach();
        if (breach != null) {
            problem = problem.with("limit_id", breach.limitId())
                    .with("account", breach.accountId())
                    .with("remaining", breach.remaining());
        }
        return problem;
    }

    public static String describe(ResultCode code) {
        return switch (code) {
            case ACCOUNT_NOT_FOUND -> "a posting names an account that does not exist";
            case ACCOUNT_CLOSED -> "a posting names a closed account";
            case ASSET_MISMATCH -> "a posting's asset differs from an account's asset";
            case SAME_ACCOUNT -> "a posting moves money from an account to itself";
            case INSUFFICIENT_FUNDS -> "an account's available balance would fall below its min_balance";
            case EXCEEDS_MAX_BALANCE -> "an account's balance would rise above its max_balance";
            case BALANCE_OVERFLOW -> "a balance would overflow 64 bits";
            case LIMIT_EXCEEDED -> "a limit in force would be broken; see limit_id and remaining";
            case LIMIT_NOT_FOUND -> "no limit with this id";
            case LIMIT_NOT_APPLICABLE -> "the limit's accounts or asset do not cover this account";
            case TOO_MANY_LIMITS -> "the ledger has " + Limits.LIMITS_PER_LEDGER_MAX + " limits, the most it takes";
            case LINKED_TRANSACTION_FAILED -> "another transaction of the atomic batch failed";
            case TRANSACTION_EXISTS_WITH_DIFFERENT_FIELDS ->
                "a transaction with this id exists with other fields; ids are idempotency keys";
            case ACCOUNT_EXISTS_WITH_DIFFERENT_FIELDS -> "an account with this id exists with other fields";
            case ASSET_NOT_FOUND -> "no such asset; create it with PUT /v1/assets/{code}";
            case TRANSACTION_NOT_FOUND -> "no transaction with this id";
            case LEDGER_NOT_FOUND -> "no ledger with this name";
            case TRANSACTION_NOT_PENDING -> "the transaction is not pending";
            case PENDING_ALREADY_POSTED -> "the pending transaction was already posted";
            case PENDING_ALREADY_VOIDED -> "the pending transaction was already voided";
            case PENDING_EXPIRED -> "the pending transaction expired";
            case POST_AMOUNT_EXCEEDS_PENDING -> "the amount is more than is pending";
            case PARTIAL_POST_REQUIRES_SINGLE_POSTING -> "only a transaction with one posting can be posted in part";
            case TRANSACTION_NOT_POSTED -> "only a posted transaction can be reversed";
            case TRANSACTION_ALREADY_REVERSED -> "the transaction was already reversed";
            case ACCOUNT_NOT_EMPTY -> "an account closes only at zero balance with nothing pending";
            case STORAGE_REJECTED ->
                "the database refused a value of this request that validation let through; nothing was stored";
            case OVERLOADED -> "the ledger's writer is busy; retry shortly";
            case STORAGE_UNAVAILABLE ->
                "the database did not confirm the write; retry with the same id to learn whether it happened";
            case WRITER_STOPPED -> "the ledger's writer is stopped; see /health/ready";
            case CREATED, EXISTS, OK -> code.code();
        };
    }
}
