package dev.pacioli.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The report's HTML page, parsed: well-formed, no script, every value escaped, the drift of each measured
 * day a point of the SVG chart, an exceptions row per aged line; its CSV quoted as RFC 4180 has it.
 */
class DailyReportTest {
    @Test
    void theHtmlPageParsesAndHoldsTheChartAndTheExceptions() throws Exception {
        Map<String, Object> report = report();
        String html = DailyReport.html(report);
        assertThat(html).doesNotContain("<script", "style=", "<link", "http://example");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document page = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(
                        html.replaceFirst("<!DOCTYPE html>", "").getBytes(StandardCharsets.UTF_8)));
        assertThat(page.getElementsByTagName("title").item(0).getTextContent())
                .isEqualTo("Reconciliation of main on 2026-12-05");
        Element polyline = (Element) page.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline")
                .item(0);
        assertThat(polyline.getAttribute("points").split(" ")).hasSize(3);
        // Day 1 of the chart's 30 is 2026-11-06; the largest drift (-500) is at the bottom edge.
        assertThat(polyline.getAttribute("points")).endsWith("590,150");
        assertThat(page.getElementsByTagName("tr").getLength()).isEqualTo(1 + 2);
        assertThat(page.getElementsByTagName("td").item(5).getTextContent()).isEqualTo("<script>alert(1)</script>");
    }

    @Test
    void theCsvQuotesWhatNeedsQuoting() {
        assertThat(DailyReport.csv(report()))
                .isEqualTo("account,line,booking_date,age_days,amount,status,reference\r\n"
                        + "bank:operating,stl_1,2026-11-30,5,-2950,unmatched,<script>alert(1)</script>\r\n"
                        + "bank:operating,stl_2,2026-12-01,4,100,proposed,\"INV 7, \"\"urgent\"\"\"\r\n");
    }

    private static Map<String, Object> report() {
        Map<String, Object> account = new LinkedHashMap<>();
        account.put("account", "bank:operating");
        account.put("match_rate", "0.950000");
        account.put("drift", Map.of("drift", -500L, "severity", "medium"));
        account.put("drift_by_day", Map.of("2026-11-06", 0L, "2026-12-01", 250L, "2026-12-05", -500L));
        account.put(
                "aged_exceptions",
                List.of(
                        exception("stl_1", "2026-11-30", 5, -2_950, "unmatched", "<script>alert(1)</script>"),
                        exception("stl_2", "2026-12-01", 4, 100, "proposed", "INV 7, \"urgent\"")));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ledger", "main");
        report.put("date", "2026-12-05");
        report.put("statement_lines", 40L);
        report.put("matched_lines", 38L);
        report.put("match_rate", "0.950000");
        report.put("accounts", List.of(account));
        return report;
    }

    private static Map<String, Object> exception(
            String line, String booked, long age, long amount, String status, String reference) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("line", line);
        item.put("booking_date", booked);
        item.put("age_days", age);
        item.put("amount", amount);
        item.put("status", status);
        item.put("reference", reference);
        return item;
    }
}
