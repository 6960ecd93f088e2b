package dev.pacioli.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pacioli.platform.HttpTester;
import dev.pacioli.platform.HttpTester.Response;
import dev.pacioli.platform.TestService;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/jobs} on the real service: the shape of a job, the state and type filters, keyset
 * paging newest first, and the role (operator). The jobs are of a type of this test's own, which no
 * runner handles, so they stay queued as enqueued.
 */
class JobRoutesTest {
    static List<TestService.Running> services() {
        return TestService.all();
    }

    @ParameterizedTest
    @MethodSource("services")
    void jobsAreListedNewestFirstFilteredAndPaged(TestService.Running running) throws Exception {
        String type = "test.routes_" + TestService.uniqueName("t").replaceAll("[^a-z0-9]", "_");
        Jobs jobs = running.service().jobs();
        try (Connection connection = running.database().dataSource().getConnection()) {
            connection.setAutoCommit(false);
            assertThat(jobs.enqueue(connection, type, List.of("a", "b", "c"), Duration.ofHours(1)))
                    .isEqualTo(3);
            connection.commit();
        }
        HttpTester admin = running.admin();
        JsonNode all = admin.get("/v1/jobs?type=" + type).json();
        assertThat(all.path("data")).hasSize(3);
        assertThat(all.has("next_cursor")).isFalse();
        JsonNode newest = all.path("data").get(0);
        assertThat(newest.path("id").stringValue()).startsWith("job_");
        assertThat(newest.path("type").stringValue()).isEqualTo(type);
        assertThat(newest.path("state").stringValue()).isEqualTo("queued");
        assertThat(newest.path("attempts").intValue()).isZero();
        assertThat(newest.path("run_at").isString()).isTrue();
        assertThat(newest.path("runner").isNull()).isTrue();
        assertThat(newest.path("last_error").isNull()).isTrue();
        assertThat(newest.path("finished_at").isNull()).isTrue();
        List<String> keys = new ArrayList<>();
        all.path("data").forEach(job -> keys.add(job.path("key").stringValue()));
        assertThat(keys).as("newest first").containsExactly("c", "b", "a");

        Response first = admin.get("/v1/jobs?type=" + type + "&limit=2");
        assertThat(first.json().path("data")).hasSize(2);
        String cursor = first.json().path("next_cursor").stringValue();
        JsonNode rest =
                admin.get("/v1/jobs?type=" + type + "&limit=2&cursor=" + cursor).json();
        assertThat(rest.path("data")).hasSize(1);
        assertThat(rest.path("data").get(0).path("key").stringValue()).isEqualTo("a");
        assertThat(rest.has("next_cursor")).isFalse();

        assertThat(admin.get("/v1/jobs?type=" + type + "&state=queued").json().path("data"))
                .hasSize(3);
        assertThat(admin.get("/v1/jobs?type=" + type + "&state=failed").json().path("data"))
                .isEmpty();
        assertThat(admin.get("/v1/jobs?state=queued&limit=1000")
                        .json()
                        .path("data")
                        .findValuesAsString("type"))
                .contains(type)
                .allMatch(each -> !each.isEmpty());
    }

    @Test
    void onlyOperatorsAndAdminsSeeJobs() {
        HttpTester admin = TestService.all().getFirst().admin();
        for (String role : List.of("reader", "writer", "operator")) {
            String secret = admin.post("/v1/api-keys", "{\"name\": \"jobs " + role + "\", \"role\": \"" + role + "\"}")
                    .json()
                    .path("secret")
                    .stringValue();
            Response answer = admin.as(secret).get("/v1/jobs?limit=1");
            assertThat(answer.status()).as(role).isEqualTo(role.equals("operator") ? 200 : 403);
        }
        assertThat(admin.as(null).get("/v1/jobs").status()).isEqualTo(401);
    }
}
