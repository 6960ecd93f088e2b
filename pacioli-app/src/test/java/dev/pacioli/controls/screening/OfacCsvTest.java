package dev.pacioli.controls.screening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OFAC's sdn.csv and alt.csv, on rows shaped exactly as the published files write them. */
class OfacCsvTest {
    /** Rows as sdn.csv has them: CRLF, quoted text with commas, "-0- " markers, SUB at the end. */
    static final String SDN = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
            + "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
            + "2674,\"HAWATMA, Nayif\",\"individual\",\"SDGT] [NS-PLC\",\"Secretary General of DFLP\",-0- ,-0- ,-0- ,"
            + "-0- ,-0- ,-0- ,\"DOB 1933; POB Salt, Jordan.\"\r\n"
            + "15036,\"ALFA 1\",\"vessel\",\"IRAN\",-0- ,\"9HA3482\",\"Crude Oil Tanker\",\"150,000\",\"81,000\","
            + "\"Panama\",\"NIOC\",\"Vessel Registration Identification IMO 9122631.\"\r\n"
            + "24512,\"EKATERINA\",\"aircraft\",\"RUSSIA-EO14024\",-0- ,\"RA-96019\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
            + "25308,\"SUEX OTC, S.R.O.\",-0- ,\"CYBER2\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"Digital Currency Address"
            + " - XBT 12HQDsicffSBaYdJ6BhnE22sfjTESmmzKx; alt. Digital Currency Address - ETH"
            + " 0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535; Website suex.io; Organization Established Date 2018.\"\r\n"
            + "\u001a";

    static final String ALT = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n"
            + "2674,1429,\"aka\",\"HAWATMEH, Nayif\",-0- \r\n"
            + "2674,1430,\"fka\",\"HAWATMA, Naif\",\"Low quality\"\r\n"
            + "\u001a";

    @Test
    void readsEveryRowOfAnSdnFile() throws Exception {
        List<ScreeningEntry> entries = OfacCsv.sdn(SDN.getBytes(StandardCharsets.UTF_8), 100_000);
        assertThat(entries)
                .extracting(ScreeningEntry::id, ScreeningEntry::name, ScreeningEntry::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("36", "AEROCARIBBEAN AIRLINES", EntryType.ENTITY),
                        org.assertj.core.groups.Tuple.tuple("173", "ANGLO-CARIBBEAN CO., LTD.", EntryType.ENTITY),
                        org.assertj.core.groups.Tuple.tuple("2674", "HAWATMA, Nayif", EntryType.INDIVIDUAL),
                        org.assertj.core.groups.Tuple.tuple("15036", "ALFA 1", EntryType.VESSEL),
                        org.assertj.core.groups.Tuple.tuple("24512", "EKATERINA", EntryType.AIRCRAFT),
                        org.assertj.core.groups.Tuple.tuple("25308", "SUEX OTC, S.R.O.", EntryType.ENTITY));
        assertThat(entries.get(5).addresses())
                .containsExactly("12HQDsicffSBaYdJ6BhnE22sfjTESmmzKx", "0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535");
        assertThat(entries.get(0).addresses()).isEmpty();
    }

    @Test
    void readsAnAltFileByEntry() throws Exception {
        Map<String, List<String>> aliases = OfacCsv.alt(ALT.getBytes(StandardCharsets.UTF_8));
        assertThat(aliases)
                .containsExactly(
                        Map.entry("36", List.of("AERO-CARIBBEAN")),
                        Map.entry("2674", List.of("HAWATMEH, Nayif", "HAWATMA, Naif")));
    }

    @Test
    void refusesWhatIsNotTheLayoutNamingTheLine() {
        assertMalformed(SDN.replace("173,\"ANGLO", "x173,\"ANGLO"), "line 2: ent_num must be a number");
        assertMalformed(SDN.replace(",\"individual\",", ",\"person\","), "line 3: SDN_Type must be");
        assertMalformed(SDN.replace("\"AEROCARIBBEAN AIRLINES\"", "-0- "), "line 1: SDN_Name is empty");
        assertMalformed("36,\"ONE\",-0- \r\n", "line 1: has 3 columns; this layout has 12");
        assertMalformed(SDN.replace("ALFA 1\",", "ALFA 1,"), "line 4:");
        assertMalformed(SDN.replace("36,\"AERO", "173,\"AERO"), "ent_num 173 is given twice");
        assertThatThrownBy(() -> OfacCsv.alt("36,12,\"also\",\"X\",-0- \r\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(OfacCsv.Malformed.class)
                .hasMessageContaining("line 1: alt_type must be aka, fka or nka");
        assertThatThrownBy(() -> OfacCsv.sdn(new byte[] {'3', '6', ',', (byte) 0xC3}, 10))
                .isInstanceOf(OfacCsv.Malformed.class)
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void refusesOneEntryPastTheLimit() throws Exception {
        byte[] six = SDN.getBytes(StandardCharsets.UTF_8);
        assertThat(OfacCsv.sdn(six, 6)).hasSize(6);
        assertThatThrownBy(() -> OfacCsv.sdn(six, 5)).isInstanceOf(OfacCsv.TooMany.class);
    }

    private static void assertMalformed(String file, String message) {
        assertThatThrownBy(() -> OfacCsv.sdn(file.getBytes(StandardCharsets.UTF_8), 100_000))
                .isInstanceOf(OfacCsv.Malformed.class)
                .hasMessageContaining(message);
    }
}
