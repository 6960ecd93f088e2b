package dev.pacioli.payments.commissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a plan may be: its levels, and a payee account template that names an account for any party. */
class CommissionPlanTest {
    @Test
    void templatesThatNameAnAccount() {
        for (String template : List.of(
                "affiliates:{party}:commissions",
                "{party}",
                "{party}:commissions",
                "affiliates:{party}",
                "a" + "b".repeat(126) + "{party}")) {
            assertThat(CommissionPlan.payeeAccountProblem(template))
                    .as(template)
                    .isNull();
        }
        assertThat(new CommissionPlan("p", "USD", List.of(1), "s", "x:{party}").payeeAccountOf("42"))
                .isEqualTo("x:42");
    }

    @Test
    void templatesThatDoNot() {
        for (String template : List.of(
                "affiliates:commissions",
                "{party}:{party}",
                "{Party}",
                "{ party }",
                "-{party}",
                ":{party}",
                "affiliates/{party}",
                "affiliates {party}",
                "caf\u00e9:{party}",
                "{party}" + "x".repeat(128),
                "")) {
            assertThat(CommissionPlan.payeeAccountProblem(template))
                    .as(template)
                    .isNotNull();
        }
        assertThat(CommissionPlan.payeeAccountProblem(null)).isNotNull();
        assertThat(CommissionPlan.PAYEE_ACCOUNT_LENGTH_MAX).isEqualTo(134);
    }

    @Test
    void levelsAreOneToTenOfZeroToTenThousand() {
        assertThat(CommissionPlan.levelsProblem(List.of(0))).isNull();
        assertThat(CommissionPlan.levelsProblem(List.of(10_000))).isNull();
        assertThat(CommissionPlan.levelsProblem(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)))
                .isNull();
        assertThat(CommissionPlan.levelsProblem(List.of())).isNotNull();
        assertThat(CommissionPlan.levelsProblem(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)))
                .isNotNull();
        assertThat(CommissionPlan.levelsProblem(List.of(-1))).isNotNull();
        assertThat(CommissionPlan.levelsProblem(List.of(10_001))).isNotNull();
        assertThat(CommissionPlan.levelsProblem(Arrays.asList(100, null))).isNotNull();
    }

    @Test
    void aPlanIsValidOrCannotBeMade() {
        assertThatThrownBy(() -> new CommissionPlan("p", "usd", List.of(1), "s", "{party}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommissionPlan("p", "USD", List.of(), "s", "{party}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommissionPlan("p", "USD", List.of(1), "a b", "{party}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommissionPlan("p", "USD", List.of(1), "s", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommissionPlan("-p", "USD", List.of(1), "s", "{party}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
