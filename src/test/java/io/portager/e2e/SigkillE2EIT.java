package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.testenv.AccessLogEntry;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.FaultProxy;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Kills the operator process with SIGKILL in the middle of copying two multi-platform indexes from
 * a source slowed by a {@link FaultProxy}, starts it again, and checks that it finishes the copy. A
 * {@link TagWalker} polls the destination during the whole test: a tag must never point at an index
 * or manifest whose children or blobs are missing.
 */
class SigkillE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void restartAfterSigkillFinishesCopyAndTagsStayWhole() throws Exception {
    RunDirectory run = RunDirectory.create("sigkill");
    try (ControlPlane controlPlane = ControlPlane.start(run);
        OciRegistry source =
            OciRegistry.start(
                run,
                "sigkill-source",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none());
        OciRegistry destination =
            OciRegistry.start(
                run,
                "sigkill-destination",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none())) {
      controlPlane.installCrd();
      Skopeo skopeo = Skopeo.create(run);
      Map<String, String> digests = new TreeMap<>();
      for (String tag : List.of("1", "2")) {
        Path layout = run.directory("layouts").resolve("multi-" + tag);
        digests.put(
            tag,
            Fixtures.push(
                    skopeo,
                    Fixtures.twoPlatformIndex(layout, tag, "sigkill-" + tag),
                    source.host(),
                    "multi/app",
                    tag,
                    RegistryCredentials.anonymous())
                .digest());
      }

      try (FaultProxy slowSource = FaultProxy.start(source.host());
          TagWalker walker =
              new TagWalker(destination.host(), "multi/app", Duration.ofMillis(150));
          OperatorProcess operator =
              OperatorProcess.start(
                  controlPlane.kubeconfig(),
                  run.logFile("operator-sigkill"),
                  List.of(),
                  "--tag-concurrency",
                  "2")) {
        // About 3 KiB a second per connection: each 8 KiB layer takes a few seconds.
        slowSource.limitRate(3 * 1024);
        OciRegistry.AccessLogMark mark = destination.markAccessLog();
        controlPlane.kubectlApply(
            "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
                + "metadata: {name: multi, namespace: default}\n"
                + "spec:\n  schedule: \"@every 1h\"\n"
                + "  source: {registry: \""
                + slowSource.host()
                + "\", plainHTTP: true}\n"
                + "  destination: {registry: \""
                + destination.host()
                + "\", plainHTTP: true, auth: {method: anonymous}}\n"
                + "  images: [{name: multi/app, tags: [\"1\", \"2\"]}]\n");
        awaitBlobWritten(destination, mark);

        operator.kill();
        List<String> tagsAtKill = tagsWritten(destination, mark);
        slowSource.heal();
        operator.launch();

        awaitReady(controlPlane, operator);
        Thread.sleep(1_000);
        walker.close();
        for (Map.Entry<String, String> tag : digests.entrySet()) {
          assertEquals(
              tag.getValue(),
              skopeo.digest(destination.host() + "/multi/app:" + tag.getKey(), anonymous()),
              "tag " + tag.getKey());
        }
        assertTrue(tagsAtKill.size() < 2, "both tags were written before the kill: " + tagsAtKill);
        assertTrue(walker.polls() >= 20, "the walker polled only " + walker.polls() + " times");
        assertTrue(walker.tagsChecked() >= 2, "the walker never saw a tag");
        assertEquals(List.of(), walker.violations(), "a tag pointed at missing content");
        System.out.printf(
            "sigkill: tags written before the kill %s, walker polls %d, tags checked %d%n",
            tagsAtKill, walker.polls(), walker.tagsChecked());
      }
    }
  }

  private static RegistryCredentials anonymous() {
    return RegistryCredentials.anonymous();
  }

  /** Waits until the destination has received at least one whole blob upload. */
  private static void awaitBlobWritten(OciRegistry destination, OciRegistry.AccessLogMark mark)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      for (AccessLogEntry entry : destination.accessLogSince(mark)) {
        if (entry.method().equals("PUT") && entry.path().contains("/blobs/uploads/")) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no blob reached the destination within 90 s");
  }

  /** Returns the tags that received a manifest PUT by tag since {@code mark}. */
  private static List<String> tagsWritten(OciRegistry destination, OciRegistry.AccessLogMark mark) {
    return destination.accessLogSince(mark).stream()
        .filter(e -> e.method().equals("PUT") && e.path().matches(".*/manifests/[^:]+$"))
        .map(e -> e.path().substring(e.path().lastIndexOf('/') + 1))
        .toList();
  }

  private static void awaitReady(ControlPlane controlPlane, OperatorProcess operator)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = JSON.readTree(controlPlane.kubectl("get", "imagesync", "multi", "-o", "json"));
      if (E2eEnvironment.readyIs(last, "True")
          && last.path("status").path("syncedImages").asInt() == 2) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "multi did not become Ready after the restart; status: "
            + last.path("status").toPrettyString()
            + "\noperator log: "
            + operator.log());
  }
}
