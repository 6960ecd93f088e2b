package dev.pacioli.controls.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The names that must hit and those that must not, at the default threshold of 0.92 (every token of
 * the shorter name needs a partner scoring at least 0.90): each row screens one name against a list
 * holding the listed name only.
 */
class NameMatchingTest {
    static final double THRESHOLD = 0.92;

    @ParameterizedTest(name = "{0} hits {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # Transliterations of one name
            Mohammed Al Rashid          | Muhammad Al Rashid
            Mohamed Al-Rashid           | Muhammad Al Rashid
            Mohammad Alrashid           | Muhammad Al-Rashid
            Usama bin Laden             | Osama Bin Ladin
            Youssef Hassan              | Yusuf Hasan
            Sergei Ivanov               | Sergey Ivanov
            # Word order
            Putin Vladimir              | Vladimir Putin
            HAWATMA, Nayif              | Nayif Hawatma
            # Initials
            V. Putin                    | Vladimir Putin
            V Putin                     | Vladimir Putin
            # Legal forms neither stop nor make a match
            Acme Trading Limited        | ACME TRADING LTD.
            Banco Nacional de Cuba S.A. | BANCO NACIONAL DE CUBA
            Rosneft Oil Company PJSC    | Rosneft Oil
            # Accents, case, punctuation, scripts
            José Müller                 | Jose Muller
            Ángel Sánchez-Núñez         | ANGEL SANCHEZ NUNEZ
            Владимир Путин              | Vladimir Putin
            O'Brien Shipping            | OBrien Shipping
            Ｋｉｍ Ｊｏｎｇ Ｕｎ              | Kim Jong Un
            # A middle name or patronymic one side leaves out
            Vladimir Putin              | PUTIN, Vladimir Vladimirovich
            # Small spelling differences
            Vladimir Puttin             | Vladimir Putin
            Abdulrahman Khalifa         | Abdulrahman Khalifah
            """)
    void hits(String screened, String listed) {
        assertThat(score(screened, listed))
                .as("%s against %s", screened, listed)
                .isGreaterThanOrEqualTo(THRESHOLD);
        assertThat(index(listed).screen(new Subject(screened, null, null), THRESHOLD))
                .hasSize(1);
    }

    @ParameterizedTest(name = "{0} does not hit {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # A company carrying a sanctioned individual's surname
            Putin Trading Co            | Vladimir Putin
            Putin LLC                   | Vladimir Putin
            Hawatma Family Bakery Ltd   | Nayif Hawatma
            # Two companies that share only a legal form
            Acme Ltd                    | Zenith Ltd
            Acme Holdings GmbH          | Zenith Holdings GmbH
            # Other people
            John Smith                  | Vladimir Putin
            Maria Garcia                | Mario Garza Guerra
            Ivan Petrov                 | Ivanov Sergey
            Muhammad Ali Khan           | Muhammad Qasim
            # A shared given name alone, however long, with another surname
            Sufhasmaka Davsonguez       | DOGU, Sufhasmaka
            Abdulrahman Smith           | Abdulrahman Khalifa
            # A shared surname alone, with another given name or none
            Kamal Hawatma               | Nayif Hawatma
            Hawatma                     | Nayif Hawatma
            # Two different companies sharing one word
            Zenith Shipping Co          | Zenith Aviation Ltd
            Golden Sahara Trading LLC   | Sahara Petroleum Trading
            Sahara LLC                  | Sahara Trading
            # A name without a letter
            ---                         | Vladimir Putin
            """)
    void doesNotHit(String screened, String listed) {
        assertThat(score(screened, listed))
                .as("%s against %s", screened, listed)
                .isLessThan(THRESHOLD);
        assertThat(index(listed).screen(new Subject(screened, null, null), THRESHOLD))
                .isEmpty();
    }

    private static double score(String screened, String listed) {
        return NameScore.names(NameNormalizer.tokens(screened), NameNormalizer.tokens(listed));
    }

    private static ScreeningIndex index(String listed) {
        return new ScreeningIndex(
                "test",
                1,
                List.of(new ScreeningEntry("1", listed, List.of(), EntryType.INDIVIDUAL, List.of(), List.of())),
                Set.of());
    }
}
