package dev.pacioli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the report says about the machine: CPU, cores, memory, disk, JDK. Read, never guessed. */
final class Machine {
    private Machine() {}

    static List<String> describe(Path dataDirectory) {
        List<String> lines = new ArrayList<>();
        lines.add("CPU: " + firstMatch(command("lscpu"), "Model name:") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores available to the JVM");
        lines.add("Memory: " + firstMatch(read(Path.of("/proc/meminfo")), "MemTotal:"));
        lines.add("Disk (data directory): "
                + lastLine(command("df", "-h", dataDirectory.toAbsolutePath().toString())) + "; rotational: "
                + lastLine(command("lsblk", "-d", "-o", "NAME,ROTA,MODEL")).trim());
        lines.add("OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        lines.add("JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + "), heap max "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        return lines;
    }

    /** The 1, 5 and 15 minute load averages: other work on the machine shows here. */
    static String loadAverage() {
        String[] fields = read(Path.of("/proc/loadavg")).trim().split("\\s+");
        return fields.length < 3 ? "unknown" : fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static String firstMatch(String text, String prefix) {
        for (String line : text.split("\n")) {
            if (line.trim().startsWith(prefix)) {
                return line.trim().substring(prefix.length()).trim();
            }
        }
        return "unknown";
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "unknown" : lines[lines.length - 1].replaceAll("\\s+", " ");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String command(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor(10, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
