package dev.pacioli.clearing;

import dev.pacioli.platform.RequestReader;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/**
 * A window's report as CSV: one line per participant and asset, with the asset's totals repeated, so a
 * spreadsheet can sum or pivot it. Participant ids and asset codes need no quoting (their patterns hold
 * no comma, quote or line break).
 */
final class ReportCsv {
    static final String HEADER =
            "window,asset,participant,incoming,outgoing,net,asset_obligations,asset_gross,asset_net_settlement,asset_efficiency";

    private ReportCsv() {}

    static byte[] of(String reportJson) {
        JsonNode report = RequestReader.MAPPER.readTree(reportJson);
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        String window = report.path("window").stringValue();
        for (JsonNode asset : report.path("assets")) {
            for (JsonNode position : asset.path("positions")) {
                csv.append(window)
                        .append(',')
                        .append(asset.path("asset").stringValue())
                        .append(',')
                        .append(position.path("participant").stringValue())
                        .append(',')
                        .append(position.path("incoming").longValue())
                        .append(',')
                        .append(position.path("outgoing").longValue())
                        .append(',')
                        .append(position.path("net").longValue())
                        .append(',')
                        .append(asset.path("obligations").longValue())
                        .append(',')
                        .append(asset.path("gross").longValue())
                        .append(',')
                        .append(asset.path("net_settlement").longValue())
                        .append(',')
                        .append(asset.path("efficiency").stringValue())
                        .append("\r\n");
            }
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
