package dev.pacioli.bench;

/** Transfers as the HTTP API takes them (API.md): a transaction request, or a batch of them. */
final class TransferJson {
    private final AccountIds accounts;

    TransferJson(AccountIds accounts) {
        this.accounts = accounts;
    }

    void appendTransaction(StringBuilder json, String id, Transfer transfer) {
        json.append("{\"id\":\"").append(id).append("\",\"postings\":[");
        for (int leg = 0; leg < transfer.legs(); leg++) {
            if (leg > 0) {
                json.append(',');
            }
            json.append("{\"from\":\"")
                    .append(accounts.id(transfer.from()[leg]))
                    .append("\",\"to\":\"")
                    .append(accounts.id(transfer.to()[leg]))
                    .append("\",\"amount\":")
                    .append(transfer.amounts()[leg])
                    .append(",\"asset\":\"")
                    .append(AccountIds.ASSET)
                    .append("\"}");
        }
        json.append("],\"pending\":").append(transfer.pending()).append('}');
    }

    /** Occurrences of {@code needle} in {@code text}: how a batch answer's results are counted. */
    static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }
}
