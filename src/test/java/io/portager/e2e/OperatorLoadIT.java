package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Load: 300 ImageSyncs with 5 tags each, all scheduled on the same cron minute, synced by the
 * operator jar with the chart's heap limit. Checks that each registry never serves more requests at
 * once than {@code --registry-max-in-flight}, that the process stays within the chart's memory
 * limit, that status writes and Events grow with the work and not with conflicts or skipped tags,
 * and that every ImageSync ends Ready. Runs in the {@code load} Maven profile only.
 */
class OperatorLoadIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int IMAGE_SYNCS = 300;
  private static final List<String> TAGS = List.of("1", "2", "3", "4", "5");
  private static final int MAX_IN_FLIGHT = 4;
  // The chart's default: a 384Mi memory limit with -XX:MaxRAMPercentage=75, so a 288 MiB heap.
  private static final long MEMORY_LIMIT_BYTES = 384L * 1024 * 1024;
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx288m", "-XX:+ExitOnOutOfMemoryError");
  private static final Pattern REQUEST_TOTAL =
      Pattern.compile("^apiserver_request_total\\{([^}]*)\\} ([0-9.e+]+)$");

  @Test
  void threeHundredImageSyncsOnOneCronMinute() throws Exception {
    RunDirectory run = RunDirectory.create("load");
    try (ControlPlane controlPlane = ControlPlane.start(run);
        OciRegistry source =
            OciRegistry.start(
                run,
                "load-source",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none());
        OciRegistry destination =
            OciRegistry.start(
                run,
                "load-destination",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none())) {
      controlPlane.installCrd();
      Skopeo skopeo = Skopeo.create(run);
      for (String tag : TAGS) {
        Fixtures.push(
            skopeo,
            Fixtures.sharedBaseImage(
                run.directory("layouts").resolve("t" + tag), tag, "load-" + tag),
            source.host(),
            "load/app",
            tag,
            RegistryCredentials.anonymous());
      }

      try (OperatorProcess operator =
          OperatorProcess.start(
              controlPlane.kubeconfig(),
              run.logFile("operator-load"),
              JVM_OPTIONS,
              "--log-level",
              "info",
              "--registry-max-in-flight",
              String.valueOf(MAX_IN_FLIGHT))) {
        MemorySampler memory = new MemorySampler(operator);
        // The cron minute is far enough ahead for the first runs, which start on creation.
        Instant cronMinute =
            Instant.now().plus(Duration.ofMinutes(4)).truncatedTo(ChronoUnit.MINUTES);
        int minute = cronMinute.atOffset(ZoneOffset.UTC).getMinute();
        Instant created = Instant.now();
        controlPlane.kubectlApply(imageSyncs(source.host(), destination.host(), minute));

        awaitAll(controlPlane, "Ready after the first run", cronMinute, o -> ready(o, null));
        Duration firstRuns = Duration.between(created, Instant.now());
        Map<String, Double> afterFirst = requestCounts(controlPlane);

        awaitAll(
            controlPlane,
            "synced at the cron minute",
            cronMinute.plus(Duration.ofMinutes(3)),
            o -> ready(o, cronMinute));
        Duration cronRuns = Duration.between(cronMinute, Instant.now());
        Map<String, Double> afterCron = requestCounts(controlPlane);
        memory.stop();

        RegistryConcurrency.Measurement sourceLoad =
            RegistryConcurrency.measure(source.logFile(), created);
        RegistryConcurrency.Measurement destinationLoad =
            RegistryConcurrency.measure(destination.logFile(), created);
        double statusWritesFirst = sum(afterFirst, "imagesyncs", "status", "PUT", "");
        double statusWritesCron =
            sum(afterCron, "imagesyncs", "status", "PUT", "") - statusWritesFirst;
        double conflicts = sum(afterCron, "imagesyncs", "status", "PUT", "409");
        double eventWritesFirst = eventWrites(afterFirst);
        double eventWritesCron = eventWrites(afterCron) - eventWritesFirst;
        System.out.printf(
            "load: first runs %d s, cron runs %d s, peak RSS %d MiB, source %d requests at most %d"
                + " at once, destination %d requests at most %d at once, status PUTs %.0f + %.0f"
                + " (409: %.0f), Event writes %.0f + %.0f%n",
            firstRuns.toSeconds(),
            cronRuns.toSeconds(),
            memory.peak() / (1024 * 1024),
            sourceLoad.requests(),
            sourceLoad.maxConcurrent(),
            destinationLoad.requests(),
            destinationLoad.maxConcurrent(),
            statusWritesFirst,
            statusWritesCron,
            conflicts,
            eventWritesFirst,
            eventWritesCron);

        assertTrue(operator.isAlive(), "the operator exited; log: " + operator.log());
        assertTrue(sourceLoad.maxConcurrent() <= MAX_IN_FLIGHT, "source: " + sourceLoad);
        assertTrue(
            destinationLoad.maxConcurrent() <= MAX_IN_FLIGHT, "destination: " + destinationLoad);
        // Each run sends a HEAD for every tag to the source, and each first run writes every tag.
        assertTrue(sourceLoad.requests() >= 2 * IMAGE_SYNCS * TAGS.size(), "source: " + sourceLoad);
        assertTrue(
            destinationLoad.requests() >= IMAGE_SYNCS * TAGS.size(),
            "destination: " + destinationLoad);
        assertTrue(memory.peak() < MEMORY_LIMIT_BYTES, "peak RSS " + memory.peak());
        // Each run writes Syncing, then the result: about two status writes per ImageSync and run.
        assertTrue(statusWritesFirst <= IMAGE_SYNCS * 3, "status writes: " + statusWritesFirst);
        assertTrue(statusWritesCron <= IMAGE_SYNCS * 3, "status writes: " + statusWritesCron);
        assertTrue(conflicts <= IMAGE_SYNCS * 0.05, "409 Conflicts: " + conflicts);
        // A run that copies writes an Event per tag and a summary; one that finds every tag up to
        // date writes only the summary.
        assertTrue(
            eventWritesFirst <= IMAGE_SYNCS * (TAGS.size() + 2), "Events: " + eventWritesFirst);
        assertTrue(
            eventWritesCron <= IMAGE_SYNCS * 1.1, "Events for skipped tags: " + eventWritesCron);
        assertEquals(List.of(), SyncRunLog.overlaps(operator.logText()));
      }
    }
  }

  private static String imageSyncs(String source, String destination, int minute) {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < IMAGE_SYNCS; i++) {
      yaml.append("---\napiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n")
          .append("metadata: {name: load-")
          .append(i)
          .append(", namespace: default}\nspec:\n  schedule: \"")
          .append(minute)
          .append(" * * * *\"\n  source: {registry: \"")
          .append(source)
          .append("\", plainHTTP: true}\n  destination: {registry: \"")
          .append(destination)
          .append("\", plainHTTP: true, repositoryPrefix: p")
          .append(i)
          .append(", auth: {method: anonymous}}\n  images: [{name: load/app, tags: [")
          .append(String.join(", ", TAGS.stream().map(t -> "\"" + t + "\"").toList()))
          .append("]}]\n");
    }
    return yaml.toString();
  }

  /** Ready True at the current generation, last synced at or after {@code since} if given. */
  private static boolean ready(JsonNode object, Instant since) {
    if (!E2eEnvironment.readyIs(object, "True")) {
      return false;
    }
    if (object.path("status").path("syncedImages").asInt() != TAGS.size()) {
      return false;
    }
    String last = object.path("status").path("lastSyncTime").asText("");
    return since == null || (!last.isEmpty() && !Instant.parse(last).isBefore(since));
  }

  private static void awaitAll(
      ControlPlane controlPlane,
      String what,
      Instant deadline,
      java.util.function.Predicate<JsonNode> condition)
      throws Exception {
    int matching = 0;
    while (Instant.now().isBefore(deadline)) {
      JsonNode list = JSON.readTree(controlPlane.kubectl("get", "imagesyncs", "-o", "json"));
      matching = 0;
      for (JsonNode item : list.path("items")) {
        matching += condition.test(item) ? 1 : 0;
      }
      if (matching == IMAGE_SYNCS) {
        return;
      }
      Thread.sleep(2_000);
    }
    throw new AssertionError(
        "only " + matching + " of " + IMAGE_SYNCS + " ImageSyncs were " + what + " by " + deadline);
  }

  /** Reads kube-apiserver's request counters, keyed by their label set. */
  private static Map<String, Double> requestCounts(ControlPlane controlPlane) {
    Map<String, Double> counts = new TreeMap<>();
    for (String line : controlPlane.kubectl("get", "--raw", "/metrics").split("\n")) {
      Matcher matcher = REQUEST_TOTAL.matcher(line);
      if (matcher.matches()) {
        counts.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
      }
    }
    return counts;
  }

  /** Sums the counters of one resource, subresource and verb; an empty code sums every code. */
  private static double sum(
      Map<String, Double> counts, String resource, String subresource, String verb, String code) {
    double total = 0;
    for (Map.Entry<String, Double> entry : counts.entrySet()) {
      String labels = entry.getKey();
      if (labels.contains("resource=\"" + resource + "\"")
          && labels.contains("subresource=\"" + subresource + "\"")
          && labels.contains("verb=\"" + verb + "\"")
          && (code.isEmpty() || labels.contains("code=\"" + code + "\""))) {
        total += entry.getValue();
      }
    }
    return total;
  }

  private static double eventWrites(Map<String, Double> counts) {
    return sum(counts, "events", "", "POST", "")
        + sum(counts, "events", "", "PATCH", "")
        + sum(counts, "events", "", "PUT", "");
  }

  /** Samples the operator's resident memory every 250 ms and keeps the peak. */
  private static final class MemorySampler {
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    MemorySampler(OperatorProcess operator) {
      thread =
          new Thread(
              () -> {
                while (running) {
                  peak.accumulateAndGet(operator.residentBytes(), Math::max);
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "memory-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long peak() {
      return peak.get();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(2_000);
    }
  }
}
