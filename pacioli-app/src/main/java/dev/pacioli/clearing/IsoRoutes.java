package dev.pacioli.clearing;

import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.Route;
import java.util.List;
import java.util.Map;

/** ISO 20022 over HTTP: pacs.008 in (writer), an obligation's pacs.002 out (reader). */
final class IsoRoutes {
    private final Iso20022 iso;
    private final ClearingStore store;

    IsoRoutes(Iso20022 iso, ClearingStore store) {
        this.iso = iso;
        this.store = store;
    }

    List<Route> routes() {
        return List.of(
                Route.post(ClearingRoutes.BASE + "/iso20022", Role.WRITER, this::take)
                        .accepting(Iso20022.XML),
                Route.get(ClearingRoutes.BASE + "/obligations/{id}/pacs002", Role.READER, this::status));
    }

    private Reply take(Call call) {
        return new Reply(200, Iso20022.XML, iso.take(call.path("ledger"), call.body, call.principal()), Map.of());
    }

    private Reply status(Call call) {
        Obligation obligation = store.obligation(call.path("ledger"), call.path("id"))
                .orElseThrow(() -> Windows.obligationNotFound(call.path("id")));
        return new Reply(200, Iso20022.XML, iso.statusOf(obligation), Map.of());
    }
}
