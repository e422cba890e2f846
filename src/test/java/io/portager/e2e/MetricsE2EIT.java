package io.portager.e2e;

import static io.portager.e2e.E2eEnvironment.readyIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.testenv.Fixtures;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scrapes /metrics after two real sync runs (one that copies two tags, one that finds them up to
 * date) and checks each metric with the Prometheus client's own protobuf model of the exposition,
 * so no regular expression stands between the check and the format.
 */
class MetricsE2EIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String PROTOBUF =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

  private static Map<String, Metrics.MetricFamily> scrape(int port) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .header("Accept", PROTOBUF)
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    Map<String, Metrics.MetricFamily> families = new HashMap<>();
    try (InputStream body = response.body()) {
      Metrics.MetricFamily family;
      while ((family = Metrics.MetricFamily.parseDelimitedFrom(body)) != null) {
        families.put(family.getName(), family);
      }
    }
    return families;
  }

  /** Returns the value of the one series of {@code name} whose labels include {@code labels}. */
  private static double value(
      Map<String, Metrics.MetricFamily> families, String name, Map<String, String> labels) {
    Metrics.MetricFamily family = families.get(name);
    assertTrue(family != null, "no metric " + name + " in " + families.keySet());
    for (Metrics.Metric metric : family.getMetricList()) {
      Map<String, String> actual = new HashMap<>();
      metric.getLabelList().forEach(pair -> actual.put(pair.getName(), pair.getValue()));
      if (actual.entrySet().containsAll(labels.entrySet())) {
        if (metric.hasCounter()) {
          return metric.getCounter().getValue();
        }
        if (metric.hasGauge()) {
          return metric.getGauge().getValue();
        }
        if (metric.hasHistogram()) {
          return metric.getHistogram().getSampleCount();
        }
      }
    }
    throw new AssertionError("no series of " + name + " with labels " + labels);
  }

  @Test
  void scrapeShowsSyncCounts() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String ns = "metrics";
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "source", env.tokenRegistry.host(), env.tokenCredentials);
    env.createDockerConfigSecret(ns, "destination", env.basicRegistry.host(), env.basicCredentials);
    for (String tag : List.of("1", "2")) {
      Path layout = env.run.directory("layouts").resolve("metrics-" + tag);
      Fixtures.push(
          env.skopeo,
          Fixtures.twoPlatformIndex(layout, tag, "metrics-" + tag),
          env.tokenRegistry.host(),
          "metrics/app",
          tag,
          env.tokenCredentials);
    }
    Instant start = Instant.now();
    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
            + "metadata: {name: counted, namespace: "
            + ns
            + "}\n"
            + "spec:\n  schedule: \"@every 1h\"\n"
            + "  source: {registry: \""
            + env.tokenRegistry.host()
            + "\", plainHTTP: true,"
            + " authSecretRef: {name: source}}\n"
            + "  destination: {registry: \""
            + env.basicRegistry.host()
            + "\", plainHTTP: true,"
            + " repositoryPrefix: m, auth: {method: secret, secretRef: {name: destination}}}\n"
            + "  images: [{name: metrics/app, tags: [\"1\", \"2\"]}]\n");
    JsonNode first =
        env.awaitImageSync(ns, "counted", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));
    String firstSync = first.path("status").path("lastSyncTime").asText();
    Thread.sleep(1100);
    env.controlPlane.kubectl(
        "annotate", "imagesync", "counted", "-n", ns, "portager.portager.io/sync-now=true");
    env.awaitImageSync(
        ns,
        "counted",
        TIMEOUT,
        "second run",
        s ->
            !s.path("status").path("lastSyncTime").asText().equals(firstSync)
                && readyIs(s, "True"));

    // The status is written before the run's metrics are recorded, so a scrape right after
    // the status change may still show the first run only.
    Map<String, String> succeeded = Map.of("name", "counted", "namespace", ns, "status", "success");
    Map<String, Metrics.MetricFamily> families = scrape(env.metricsServer.port());
    Instant scrapeDeadline = Instant.now().plusSeconds(10);
    while (value(families, "portage_sync_total", succeeded) < 2
        && Instant.now().isBefore(scrapeDeadline)) {
      Thread.sleep(200);
      families = scrape(env.metricsServer.port());
    }

    Map<String, String> object = Map.of("name", "counted", "namespace", ns);
    assertEquals(2, value(families, "portage_sync_total", succeeded));
    assertEquals(2, value(families, "portage_sync_duration_seconds", object));
    assertEquals(2, value(families, "portage_images_copied_total", object));
    assertEquals(2, value(families, "portage_images_skipped_total", object));
    assertEquals(0, value(families, "portage_images_failed_total", object));
    assertEquals(0, value(families, "portage_images_verified_total", object));
    assertEquals(
        1,
        value(
            families,
            "portage_image_info",
            Map.of(
                "name", "counted", "namespace", ns, "synced", "2", "failed", "0", "total", "2")));
    assertEquals(
        2,
        value(
            families,
            "portager_imagesync_tags",
            Map.of("name", "counted", "namespace", ns, "state", "synced")));
    assertEquals(
        0,
        value(
            families,
            "portager_imagesync_tags",
            Map.of("name", "counted", "namespace", ns, "state", "failed")));
    assertTrue(value(families, "portager_bytes_copied_total", object) > 0);
    double copiedBlobs =
        value(
            families,
            "portager_blobs_total",
            Map.of("name", "counted", "namespace", ns, "result", "copied"));
    double mountedBlobs =
        value(
            families,
            "portager_blobs_total",
            Map.of("name", "counted", "namespace", ns, "result", "mounted"));
    assertTrue(
        copiedBlobs + mountedBlobs >= 5, copiedBlobs + " copied, " + mountedBlobs + " mounted");
    double lastSuccess =
        value(families, "portager_imagesync_last_success_timestamp_seconds", object);
    assertTrue(lastSuccess >= start.getEpochSecond() - 1, "last success " + lastSuccess);
    assertTrue(
        value(
                families,
                "portager_registry_requests_total",
                Map.of("registry", env.basicRegistry.host(), "method", "HEAD"))
            > 0);
    assertTrue(
        value(
                families,
                "portager_registry_requests_total",
                Map.of("registry", env.tokenRegistry.host(), "method", "GET"))
            > 0);
    assertTrue(families.containsKey("portager_workqueue_depth"), families.keySet().toString());
    assertTrue(
        value(families, "portager_reconcile_duration_seconds", Map.of("outcome", "success")) >= 2);
    assertTrue(
        families.keySet().stream().anyMatch(n -> n.startsWith("jvm_memory")),
        families.keySet().toString());
    assertFalse(
        families.containsKey("portager_registry_rate_limit_remaining"),
        "no test registry sends RateLimit-Remaining, so no series may exist");
  }
}
