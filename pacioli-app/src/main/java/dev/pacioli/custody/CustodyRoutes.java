package dev.pacioli.custody;

import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.RequestReader;
import dev.pacioli.platform.Route;
import dev.pacioli.platform.audit.Actor;
import dev.pacioli.postgres.Page;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Custody over HTTP (custody.md): data keys and their rotation (admin), wallets (made by admins, read by
 * readers). No answer carries key material: wallets show their address and the id of the data key
 * they are sealed under, keys their state and how many wallets they hold.
 */
final class CustodyRoutes {
    static final Pattern CHAIN = Pattern.compile("evm:[1-9][0-9]{0,17}");
    private static final String WALLETS = "/v1/custody/wallets";
    private static final String CURSOR_KIND = "custody_wallets";
    private static final int LABEL_LENGTH_MAX = 200;

    private final Wallets wallets;
    private final KeyVault vault;
    private final KeyRotation rotation;
    private final WalletMonitors monitors;

    CustodyRoutes(Wallets wallets, KeyVault vault, KeyRotation rotation, WalletMonitors monitors) {
        this.wallets = wallets;
        this.vault = vault;
        this.rotation = rotation;
        this.monitors = monitors;
    }

    List<Route> routes() {
        return List.of(
                Route.get("/v1/custody/keys", Role.ADMIN, this::keys),
                Route.post("/v1/custody/keys/rotate", Role.ADMIN, this::rotate),
                Route.post(WALLETS, Role.ADMIN, this::createWallet),
                Route.list(WALLETS, Role.READER, false, this::listWallets),
                Route.get(WALLETS + "/{id}", Role.READER, this::showWallet));
    }

    private Reply keys(Call call) {
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            out.string("kek", vault.kek().description());
            out.json.writeName("data");
            out.json.writeStartArray();
            for (KeyVault.KeyInfo key : vault.keys()) {
                out.json.writeStartObject();
                out.string("id", key.id());
                out.string("state", key.state());
                out.number("wallets", key.wallets());
                out.time("created_at", key.createdAtMicros());
                out.time("state_changed_at", key.stateChangedAtMicros());
                out.json.writeEndObject();
            }
            out.json.writeEndArray();
            out.json.writeName("rotation");
            KeyRotation.Rotation latest = rotation.latest().orElse(null);
            if (latest == null) {
                out.json.writeNull();
            } else {
                writeRotation(out, latest);
            }
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    private Reply rotate(Call call) {
        RequestReader reader = new RequestReader();
        if (call.body.length > 0) {
            call.body(reader);
        }
        reader.finish();
        KeyRotation.Rotation started = rotation.start(Actor.of(call));
        try (JsonOutput out = new JsonOutput()) {
            writeRotation(out, started);
            return Reply.json(202, out);
        }
    }

    private static void writeRotation(JsonOutput out, KeyRotation.Rotation rotation) {
        out.json.writeStartObject();
        out.number("id", rotation.id());
        out.string("primary_key", rotation.keyId());
        out.string("state", rotation.state());
        out.number("wallets_total", rotation.walletsTotal());
        out.number("wallets_done", rotation.walletsDone());
        out.time("started_at", rotation.startedAtMicros());
        out.string("started_by", rotation.startedBy());
        if (rotation.finishedAtMicros() == null) {
            out.json.writeNullProperty("finished_at");
        } else {
            out.time("finished_at", rotation.finishedAtMicros());
        }
        out.json.writeEndObject();
    }

    private Reply createWallet(Call call) {
        RequestReader reader = new RequestReader();
        RequestReader.Fields body = call.body(reader, "id", "chain", RequestReader.orNull("label"));
        String id = body.identifier("id", true);
        String chain = body.string("chain", true, 32);
        if (chain != null && !CHAIN.matcher(chain).matches()) {
            reader.add("chain", FieldError.INVALID_FORMAT, "must be evm:<chain id>, such as evm:1");
        }
        String label = body.string("label", false, LABEL_LENGTH_MAX);
        reader.finish();
        Wallets.Created created = wallets.create(id, chain, label, Actor.of(call));
        try (JsonOutput out = new JsonOutput()) {
            writeWallet(out, created.wallet());
            return created.replayed() ? Reply.replayed(out) : Reply.json(201, out);
        }
    }

    private Reply listWallets(Call call) {
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        Page<Wallet> page = wallets.store().list(before, call.limit());
        return Lists.reply(page, CustodyRoutes::writeWallet, last -> Cursor.ofSequence(CURSOR_KIND, last.sequence()));
    }

    private Reply showWallet(Call call) {
        String id = call.path("id");
        Wallet wallet = wallets.store().find(id).orElseThrow(() -> Wallets.notFound(id));
        try (JsonOutput out = new JsonOutput()) {
            out.json.writeStartObject();
            writeWalletFields(out, wallet);
            // The chain balance, a few seconds old at most; null when the chain cannot be reached now.
            out.string(
                    "balance_wei",
                    monitors.balance(wallet).map(Object::toString).orElse(null));
            out.json.writeName("monitor");
            WalletMonitors.Monitor monitor = monitors.find(id).orElse(null);
            if (monitor == null) {
                out.json.writeNull();
            } else {
                ChainJson.writeMonitor(out, monitor);
            }
            out.json.writeEndObject();
            return Reply.json(200, out);
        }
    }

    static void writeWallet(JsonOutput out, Wallet wallet) {
        out.json.writeStartObject();
        writeWalletFields(out, wallet);
        out.json.writeEndObject();
    }

    private static void writeWalletFields(JsonOutput out, Wallet wallet) {
        out.string("id", wallet.id());
        out.string("chain", wallet.chain());
        out.string("label", wallet.label());
        out.string("address", wallet.address());
        out.string("key_id", wallet.keyId());
        out.time("created_at", wallet.createdAtMicros());
    }
}
