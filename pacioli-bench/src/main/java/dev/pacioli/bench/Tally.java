package dev.pacioli.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Answers that were not commits, counted by code, from any thread. */
final class Tally {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String code) {
        add(code, 1);
    }

    void add(String code, long count) {
        counts.computeIfAbsent(code, c -> new LongAdder()).add(count);
    }

    Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((code, count) -> snapshot.put(code, count.sum()));
        return snapshot;
    }
}
