package dev.pacioli.platform.jobs;

import dev.pacioli.platform.ApiException;
import dev.pacioli.platform.ApiKey.Role;
import dev.pacioli.platform.Call;
import dev.pacioli.platform.Cursor;
import dev.pacioli.platform.FieldError;
import dev.pacioli.platform.JsonOutput;
import dev.pacioli.platform.Lists;
import dev.pacioli.platform.Reply;
import dev.pacioli.platform.Route;
import dev.pacioli.postgres.Page;
import java.util.List;

/** {@code GET /v1/jobs?state=&type=} (operator): what is queued, running, succeeded and failed, newest first. */
public final class JobRoutes {
    private static final String CURSOR_KIND = "jobs";
    private static final String ID_PREFIX = "job_";

    private final Jobs jobs;

    public JobRoutes(Jobs jobs) {
        this.jobs = jobs;
    }

    public List<Route> routes() {
        return List.of(Route.list("/v1/jobs", Role.OPERATOR, false, this::list, "state", "type"));
    }

    private Reply list(Call call) {
        int limit = call.limit();
        Long before = Cursor.sequence(call.query("cursor"), CURSOR_KIND);
        JobState state = state(call.query("state"));
        String type = call.query("type");
        if (type != null && !type.matches("[a-z][a-z0-9_.]{0,63}")) {
            throw ApiException.invalid(List.of(new FieldError(
                    "type", FieldError.INVALID_FORMAT, "must be a job type: lower case letters, digits, . and _")));
        }
        Page<Job> page = jobs.list(state, type, before, limit);
        return Lists.reply(page, JobRoutes::write, job -> Cursor.ofSequence(CURSOR_KIND, job.id()));
    }

    private static JobState state(String text) {
        if (text == null) {
            return null;
        }
        for (JobState state : JobState.values()) {
            if (state.code.equals(text)) {
                return state;
            }
        }
        throw ApiException.invalid(List.of(new FieldError(
                "state", FieldError.INVALID_VALUE, "must be one of [failed, queued, running, succeeded]")));
    }

    static void write(JsonOutput out, Job job) {
        out.json.writeStartObject();
        out.string("id", ID_PREFIX + job.id());
        out.string("type", job.type());
        out.string("key", job.key());
        out.string("state", job.state().code);
        out.number("attempts", job.attempts());
        nullableTime(out, "run_at", job.runAtMicros());
        out.string("runner", job.runner());
        out.string("last_error", job.lastError());
        out.time("created_at", job.createdAtMicros());
        out.time("updated_at", job.updatedAtMicros());
        nullableTime(out, "finished_at", job.finishedAtMicros());
        out.json.writeEndObject();
    }

    private static void nullableTime(JsonOutput out, String name, Long micros) {
        if (micros == null) {
            out.json.writeNullProperty(name);
        } else {
            out.time(name, micros);
        }
    }
}
