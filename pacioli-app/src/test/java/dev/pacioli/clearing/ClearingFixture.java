package dev.pacioli.clearing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import tools.jackson.databind.JsonNode;

/** A ledger with {@code world} and participants, as clearing's tests set them up over HTTP. */
final class ClearingFixture {
    final HttpTester admin;
    final String ledger;
    final String base;
    final String clearing;

    ClearingFixture(HttpTester admin, String ledger) {
        this.admin = admin;
        this.ledger = ledger;
        this.base = admin.openLedgerWithWorldAndWallet(ledger);
        this.clearing = base + "/clearing";
    }

    static Response expect(Response response, int status) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        return response;
    }

    /** A participant settling USD through {@code participants:<id>:USD}, with a cap or none (null). */
    void participant(String id, Long cap) {
        participant(id, null, cap);
    }

    void participant(String id, String bic, Long cap) {
        String caps = cap == null ? "{}" : "{\"USD\": " + cap + "}";
        Response put = admin.put(
                clearing + "/participants/" + id,
                "{\"name\": \"Bank " + id + "\"" + (bic == null ? "" : ", \"bic\": \"" + bic + "\"")
                        + ", \"settlement_accounts\": {\"USD\": \"participants:" + id + ":USD\"}, \"net_debit_caps\": "
                        + caps + "}");
        assertThat(put.status()).as("%s", put).isIn(200, 201);
    }

    /** Moves {@code amount} from {@code world} into the participant's settlement account. */
    void fund(String participant, long amount, String transaction) {
        expect(
                admin.post(
                        base + "/transactions",
                        "{\"id\": \"" + transaction + "\", \"postings\": [{\"from\": \"world\", \"to\": \"participants:"
                                + participant + ":USD\", \"amount\": " + amount + ", \"asset\": \"USD\"}]}"),
                201);
    }

    Response obligation(String id, String debtor, String creditor, long amount) {
        return admin.post(
                clearing + "/obligations",
                "{\"id\": \"" + id + "\", \"debtor\": \"" + debtor + "\", \"creditor\": \"" + creditor
                        + "\", \"amount\": " + amount + ", \"asset\": \"USD\"}");
    }

    String currentWindow() {
        return expect(admin.get(clearing + "/windows/current"), 200)
                .json()
                .path("id")
                .stringValue();
    }

    JsonNode close(String window) {
        return expect(admin.post(clearing + "/windows/" + window + "/close", "{}"), 200)
                .json();
    }

    JsonNode settle(String window) {
        return expect(admin.post(clearing + "/windows/" + window + "/settle", "{}"), 200)
                .json();
    }

    long balance(String account) {
        Response found = admin.get(base + "/accounts/" + account);
        return found.status() == 404
                ? 0
                : found.json().path("balances").path("balance").longValue();
    }
}
