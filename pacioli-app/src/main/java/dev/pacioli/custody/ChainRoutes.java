package dev.pacioli.custody;

import dev.pacioli.controls.SubmissionGate;
import dev.pacioli.ledger.LedgerPort;
import dev.pacioli.ledger.Metadata;
import dev.pacioli.ledger.Posting;
import dev.pacioli.ledger.TransactionResult;
import dev.pacioli.ledger.TransactionSpec;
import dev.pacioli.ledger.http.Engines;
import dev.pacioli.ledger.http.Outcomes;
import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.alerts.Severity;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;
import tools.jackson.databind.JsonNode;

/**
 * Chain transactions and wallet monitors over HTTP (custody.md): operators send and release, readers
 * look. A transaction's {@code id} is its idempotency key: the same id with the same fields answers the
 * stored one ({@code Idempotent-Replayed}), with other fields 409.
 */
final class ChainRoutes {
    private static final String WALLET = "/v1/custody/wallets/{id}";
    private static final String CURSOR_KIND = "custody_transactions";
    static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
    static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,77}");
    static final Pattern HEX_DATA = Pattern.compile("0x([0-9a-fA-F]{2})*");
    static final BigInteger UINT256_MAX = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
    /** Call data of one transaction at most, in bytes (the node's own limit is about 128 KiB). */
    static final int DATA_BYTES_MAX = 64 * 1024;

    static final int TRANSACTION_ID_LENGTH_MAX = 100;

    private final Wallets wallets;
    private final ChainStore store;
    private final ChainNodes nodes;
    private final WalletMonitors monitors;
    private final SubmissionGate gate;
    private final LedgerPort ledgers;

    ChainRoutes(
            Wallets wallets,
            ChainStore store,
            ChainNodes nodes,
            WalletMonitors monitors,
            SubmissionGate gate,
            LedgerPort ledgers) {
        this.wallets = wallets;
        this.store = store;
        this.nodes = nodes;
        this.monitors = monitors;
        this.gate = gate;
        this.ledgers = ledgers;
    }

    List<Route> routes() {
        return List.of(
                Route.post(WALLET + "/transactions", Role.OPERATOR, this::create),
                Route.list(WALLET + "/transactions", Role.READER, false, this::list),
                Route.get(WALLET + "/transactions/{transaction}", Role.READER, this::show),
                Route.post(WALLET + "/transactions/{transaction}/release", Role.OPERATOR, this::release),
                Route.put(WALLET + "/monitor", Role.ADMIN, this::monitor));
    }

    private Wallet wallet(Call call) {
        String id = call.path("id");
        return wallets.store().find(id).orElseThrow(() -> Wallets.notFound(id));
    }

    private record Intent(String id, String to, BigInteger value, byte[] data, ChainTransaction.LedgerPosting posting) {
        String fingerprint() {
            return RequestReader.MAPPER.writeValueAsString(Map.of(
                    "to",
                    to,
                    "value_wei",
                    value.toString(),
                    "data",
                    Numeric.toHexString(data),
                    "ledger_posting",
                    posting == null ? "" : RequestReader.MAPPER.writeValueAsString(posting)));
        }
    }

    private Reply create(Call call) {
        Intent intent = intent(call); // the body first: a bad one is 400 whatever the wallet
        Wallet wallet = wallet(call);
        Optional<String> stored = store.fingerprint(intent.id());
        if (stored.isPresent()) {
            return replay(wallet, intent, stored.get());
        }
        if (!nodes.known(wallet.chain())) {
            throw new ApiException(
                    422,
                    "unknown_chain",
                    "no evm_rpc connector serves " + wallet.chain() + ": create one (POST /v1/connectors)");
        }
        String reserveId = intent.posting() == null ? null : "custody:" + intent.id();
        if (intent.posting() != null) {
            reserve(intent, reserveId);
        }
        String holdReason;
        try (SubmissionGate.Pass pass = gate.enter()) {
            holdReason = pass.allowed() || pass.refusal() == SubmissionGate.Refusal.UNREADABLE
                    ? null
                    : pass.refusal().holdReason();
        }
        Optional<ChainTransaction> created = store.insert(
                new ChainStore.NewTransaction(
                        intent.id(),
                        wallet,
                        intent.to(),
                        intent.value(),
                        intent.data(),
                        holdReason,
                        intent.posting(),
                        reserveId,
                        intent.fingerprint()),
                Actor.of(call));
        if (created.isEmpty()) {
            return replay(wallet, intent, store.fingerprint(intent.id()).orElseThrow());
        }
        return answer(201, created.get(), false);
    }

    private Reply replay(Wallet wallet, Intent intent, String fingerprint) {
        ChainTransaction stored = store.find(intent.id()).orElseThrow();
        if (!stored.walletId().equals(wallet.id()) || !fingerprint.equals(intent.fingerprint())) {
            throw new ApiException(
                    409,
                    "transaction_exists_with_different_fields",
                    "chain transaction " + intent.id() + " exists with other fields");
        }
        return answer(200, stored, true);
    }

    /** The ledger posting reserved: a pending transaction with a deterministic id (a replay finds it). */
    private void reserve(Intent intent, String reserveId) {
        ChainTransaction.LedgerPosting posting = intent.posting();
        TransactionResult result = Engines.await(ledgers.submit(
                posting.ledger(),
                new TransactionSpec(
                        reserveId,
                        List.of(new Posting(posting.from(), posting.to(), posting.amount(), posting.asset())),
                        true,
                        null,
                        Metadata.of(Map.of("custody_transaction", intent.id())),
                        "chain transaction " + intent.id() + ": reserve")));
        if (!result.code().succeeded()) {
            throw Outcomes.failure(result);
        }
    }

    private Intent intent(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(
                reader, "id", "to", "value_wei", RequestReader.orNull("data"), RequestReader.orNull("ledger_posting"));
        String id = body.identifier("id", true);
        if (id != null && id.length() > TRANSACTION_ID_LENGTH_MAX) {
            reader.add("id", FieldError.INVALID_FORMAT, "at most " + TRANSACTION_ID_LENGTH_MAX + " characters");
        }
        String to = address(body, reader);
        BigInteger value = wei(body, reader, "value_wei");
        String data = body.string("data", false, 2 + 2 * DATA_BYTES_MAX);
        if (data != null && !HEX_DATA.matcher(data).matches()) {
            reader.add("data", FieldError.INVALID_FORMAT, "must be 0x and whole bytes in hex");
        }
        ChainTransaction.LedgerPosting posting = posting(body);
        reader.finish();
        return new Intent(id, to, value, data == null ? new byte[0] : Numeric.hexStringToByteArray(data), posting);
    }

    /** An address: 0x and 40 hex digits; mixed case must be its EIP-55 checksum. Answered checksummed. */
    private static String address(RequestReader.Fields body, RequestReader reader) {
        String to = body.string("to", true, 42);
        if (to == null) {
            return null;
        }
        if (!ADDRESS.matcher(to).matches()) {
            reader.add("to", FieldError.INVALID_FORMAT, "must be 0x and 40 hex digits");
            return null;
        }
        String checksummed = Keys.toChecksumAddress(to);
        String digits = to.substring(2);
        boolean oneCase =
                digits.equals(digits.toLowerCase(Locale.ROOT)) || digits.equals(digits.toUpperCase(Locale.ROOT));
        if (!oneCase && !checksummed.equals(to)) {
            reader.add("to", FieldError.INVALID_FORMAT, "the EIP-55 checksum does not match: a typo?");
            return null;
        }
        return checksummed;
    }

    /** An amount of wei: a string of decimal digits, 0 to 2^256 - 1. */
    static BigInteger wei(RequestReader.Fields body, RequestReader reader, String name) {
        JsonNode node = body.node().get(name);
        if (node == null || node.isNull()) {
            reader.add(name, FieldError.REQUIRED, "is required");
            return null;
        }
        if (!node.isString() || !DIGITS.matcher(node.stringValue()).matches()) {
            reader.add(name, FieldError.INVALID_FORMAT, "must be a string of decimal digits (wei), such as \"1000\"");
            return null;
        }
        BigInteger value = new BigInteger(node.stringValue());
        if (value.compareTo(UINT256_MAX) > 0) {
            reader.add(name, FieldError.INVALID_VALUE, "must fit in 256 bits");
            return null;
        }
        return value;
    }

    private static ChainTransaction.LedgerPosting posting(RequestReader.Fields body) {
        JsonNode node = body.node().get("ledger_posting");
        if (node == null || node.isNull()) {
            return null;
        }
        RequestReader.Fields fields = body.object("ledger_posting", false, "ledger", "from", "to", "amount", "asset");
        if (fields == null) {
            return null;
        }
        String ledger = fields.identifier("ledger", true);
        String from = fields.identifier("from", true);
        String to = fields.identifier("to", true);
        long amount = fields.amount("amount", true);
        String asset = fields.assetCode("asset");
        return ledger == null || from == null || to == null || asset == null || amount <= 0
                ? null
                : new ChainTransaction.LedgerPosting(ledger, from, to, amount, asset);
    }

    private Reply list(Call call) {
        Wallet wallet = wallet(call);
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        Page<ChainTransaction> page = store.list(wallet.id(), before, call.limit());
        return Lists.reply(
                page,
                (out, transaction) -> ChainJson.write(out, transaction, null),
                last -> Cursor.ofSequence(CURSOR_KIND, last.sequence()));
    }

    private ChainTransaction transaction(Call call, Wallet wallet) {
        String id = call.path("transaction");
        return store.find(id)
                .filter(found -> found.walletId().equals(wallet.id()))
                .orElseThrow(() -> ApiException.notFound(
                        "transaction_not_found", "no chain transaction " + id + " of wallet " + wallet.id()));
    }

    private Reply show(Call call) {
        return answer(200, transaction(call, wallet(call)), false);
    }

    private Reply release(Call call) {
        Wallet wallet = wallet(call);
        ChainTransaction found = transaction(call, wallet);
        RequestReader reader = new RequestReader();
        if (call.body.length > 0) {
            call.body(reader);
        }
        reader.finish();
        Optional<ChainTransaction> released = store.release(found.id(), Actor.of(call));
        if (released.isPresent()) {
            return answer(200, released.get(), false);
        }
        ChainTransaction now = store.find(found.id()).orElseThrow();
        if (now.status() == ChainStatus.QUEUED) {
            return answer(200, now, false); // released already (or never held): as it is, like a replay
        }
        throw new ApiException(
                409,
                "transaction_not_held",
                "chain transaction " + now.id() + " is " + now.status().code() + ", not held");
    }

    private Reply answer(int status, ChainTransaction transaction, boolean replayed) {
        try (JsonOutput out = new JsonOutput()) {
            ChainJson.write(out, transaction, store.attempts(transaction.id()));
            return replayed ? Reply.replayed(out) : Reply.json(status, out);
        }
    }

    private Reply monitor(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "below_wei", "severity");
        BigInteger below = wei(body, reader, "below_wei");
        Severity severity = body.choice("severity", Severity.byCode(), Severity.WARNING);
        reader.finish();
        Wallet wallet = wallet(call);
        WalletMonitors.Monitor monitor = monitors.set(wallet, below, severity, Actor.of(call));
        try (JsonOutput out = new JsonOutput()) {
            ChainJson.writeMonitor(out, monitor);
            return Reply.json(200, out);
        }
    }
}
