package io.portager.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  private static final Instant FIRST = Instant.parse("2025-01-01T00:00:00Z");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  private static SyncRun run(String name, long failed, int synced, int failedTags, Instant at) {
    return new SyncRun(
        "ns",
        name,
        failed == 0,
        Duration.ofSeconds(2),
        2,
        1,
        failed,
        1000,
        3,
        1,
        4,
        synced,
        failedTags,
        synced + failedTags,
        at);
  }

  private MetricSnapshot snapshot(String name) {
    for (MetricSnapshot snapshot : registry.scrape()) {
      if (snapshot.getMetadata().getName().equals(name)) {
        return snapshot;
      }
    }
    throw new AssertionError("no metric " + name);
  }

  private List<? extends DataPointSnapshot> points(String name) {
    return snapshot(name).getDataPoints();
  }

  private double value(String name, String... labels) {
    Labels wanted = Labels.of(labels);
    for (DataPointSnapshot point : points(name)) {
      if (point.getLabels().equals(wanted)) {
        if (point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
          return counter.getValue();
        }
        if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot gauge) {
          return gauge.getValue();
        }
        if (point instanceof InfoSnapshot.InfoDataPointSnapshot) {
          return 1;
        }
        return ((HistogramSnapshot.HistogramDataPointSnapshot) point).getCount();
      }
    }
    throw new AssertionError("no series " + wanted + " of " + name);
  }

  @Test
  void countsAfterRecordedRuns() {
    metrics.recordSync(run("a", 0, 3, 0, FIRST));
    metrics.recordSync(run("a", 1, 2, 1, FIRST.plusSeconds(60)));

    assertEquals(1, value("portage_sync", "name", "a", "namespace", "ns", "status", "success"));
    assertEquals(1, value("portage_sync", "name", "a", "namespace", "ns", "status", "failure"));
    assertEquals(2, value("portage_sync_duration_seconds", "name", "a", "namespace", "ns"));
    assertEquals(4, value("portage_images_copied", "name", "a", "namespace", "ns"));
    assertEquals(2, value("portage_images_skipped", "name", "a", "namespace", "ns"));
    assertEquals(1, value("portage_images_failed", "name", "a", "namespace", "ns"));
    assertEquals(0, value("portage_images_verified", "name", "a", "namespace", "ns"));
    assertEquals(2000, value("portager_bytes_copied", "name", "a", "namespace", "ns"));
    assertEquals(6, value("portager_blobs", "name", "a", "namespace", "ns", "result", "copied"));
    assertEquals(2, value("portager_blobs", "name", "a", "namespace", "ns", "result", "mounted"));
    assertEquals(
        2, value("portager_imagesync_tags", "name", "a", "namespace", "ns", "state", "synced"));
    assertEquals(
        1, value("portager_imagesync_tags", "name", "a", "namespace", "ns", "state", "failed"));
    assertEquals(
        FIRST.getEpochSecond(),
        value("portager_imagesync_last_success_timestamp_seconds", "name", "a", "namespace", "ns"));
  }

  @Test
  void imageInfoSeriesReplacedOnChange() {
    metrics.recordSync(run("a", 0, 3, 0, FIRST));
    metrics.recordSync(run("a", 1, 2, 1, FIRST));

    assertEquals(1, points("portage_image").size());
    assertEquals(
        1,
        value(
            "portage_image",
            "name",
            "a",
            "namespace",
            "ns",
            "synced",
            "2",
            "failed",
            "1",
            "total",
            "3"));
  }

  @Test
  void forgetRemovesOnlyThatImageSync() {
    metrics.recordSync(run("a", 1, 2, 1, FIRST));
    metrics.recordSync(run("b", 0, 3, 0, FIRST));

    metrics.forget("ns", "a");

    for (String name :
        List.of(
            "portage_sync",
            "portage_sync_duration_seconds",
            "portage_images_copied",
            "portage_images_failed",
            "portage_images_verified",
            "portage_image",
            "portager_imagesync_tags",
            "portager_bytes_copied",
            "portager_blobs",
            "portager_imagesync_last_success_timestamp_seconds")) {
      for (DataPointSnapshot point : points(name)) {
        assertEquals("b", point.getLabels().get("name"), name + " kept a series of a");
      }
      assertTrue(!points(name).isEmpty(), name + " lost the series of b");
    }
  }

  @Test
  void registryRequestsAndReconciles() {
    metrics.exchanged("r.example:5000", "GET", 200);
    metrics.exchanged("r.example:5000", "GET", 200);
    metrics.exchanged("r.example:5000", "HEAD", 0);
    metrics.reconciled("ns/a", Duration.ofMillis(5), true);
    metrics.reconciled("ns/a", Duration.ofMillis(5), false);
    metrics.watchQueue(() -> 7);

    assertEquals(
        2,
        value(
            "portager_registry_requests",
            "registry",
            "r.example:5000",
            "method",
            "GET",
            "code",
            "200"));
    assertEquals(
        1,
        value(
            "portager_registry_requests",
            "registry",
            "r.example:5000",
            "method",
            "HEAD",
            "code",
            "0"));
    assertEquals(1, value("portager_reconcile_duration_seconds", "outcome", "success"));
    assertEquals(1, value("portager_reconcile_duration_seconds", "outcome", "error"));
    assertEquals(7, value("portager_workqueue_depth"));
  }

  @Test
  void textExpositionUsesGoPortagerNames() throws Exception {
    metrics.recordSync(run("a", 0, 3, 0, FIRST));
    metrics.exchanged("r.example:5000", "GET", 200);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    PrometheusTextFormatWriter.create().write(out, registry.scrape());

    String text = out.toString(StandardCharsets.UTF_8);
    for (String series :
        List.of(
            "portage_sync_total{name=\"a\",namespace=\"ns\",status=\"success\"} 1.0",
            "portage_sync_duration_seconds_count{name=\"a\",namespace=\"ns\"} 1",
            "portage_images_copied_total{name=\"a\",namespace=\"ns\"} 2.0",
            "portage_images_skipped_total{name=\"a\",namespace=\"ns\"} 1.0",
            "portage_images_failed_total{name=\"a\",namespace=\"ns\"} 0.0",
            "portage_images_verified_total{name=\"a\",namespace=\"ns\"} 0.0",
            "portage_image_info{failed=\"0\",name=\"a\",namespace=\"ns\",synced=\"3\",total=\"3\"} 1",
            "portager_imagesync_tags{name=\"a\",namespace=\"ns\",state=\"synced\"} 3.0",
            "portager_bytes_copied_total{name=\"a\",namespace=\"ns\"} 1000.0",
            "portager_blobs_total{name=\"a\",namespace=\"ns\",result=\"mounted\"} 1.0",
            "portager_registry_requests_total{code=\"200\",method=\"GET\",registry=\"r.example:5000\"} 1.0",
            "portager_imagesync_last_success_timestamp_seconds{name=\"a\",namespace=\"ns\"}",
            "portager_workqueue_depth 0.0")) {
      assertTrue(text.contains(series), series + " missing from:\n" + text);
    }
  }
}
