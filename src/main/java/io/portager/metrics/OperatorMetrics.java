package io.portager.metrics;

import io.portager.controller.ReconcileObserver;
import io.portager.registry.Registries;
import io.portager.registry.RegistryClient;
import io.portager.registry.RequestListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * The operator's metrics: the Go Portager's {@code portage_*} names and labels, kept so its
 * dashboards work, and the {@code portager_*} metrics added here.
 *
 * <p>client_java 1.x stores a counter's name without {@code _total} and appends the suffix when it
 * writes the counter, so each counter below is named without it and exposed with it.
 *
 * <p>Mutable state: {@code infoLabels}, the label values of each ImageSync's {@code
 * portage_image_info} series, guarded by {@code this}. The metrics themselves are thread-safe.
 */
public final class OperatorMetrics implements RequestListener, ReconcileObserver {
  private static final double[] SYNC_SECONDS = {1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};
  private static final double[] RECONCILE_SECONDS = {
    0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800
  };

  private final Counter syncs;
  private final Histogram syncDuration;
  private final Counter imagesCopied;
  private final Counter imagesSkipped;
  private final Counter imagesFailed;
  private final Counter imagesVerified;
  private final Counter validationFailed;
  private final Info imageInfo;
  private final Gauge tags;
  private final Counter bytesCopied;
  private final Counter blobs;
  private final Counter registryRequests;
  private final Gauge lastSuccess;
  private final Histogram reconcileDuration;
  private final List<StatefulMetric<?, ?>> perImageSync;
  private final Map<String, List<String>> infoLabels = new HashMap<>();
  private volatile IntSupplier queueDepth = () -> 0;
  private volatile Registries registries;

  /** Creates the metrics and registers them, without JVM metrics, in {@code registry}. */
  public OperatorMetrics(PrometheusRegistry registry) {
    syncs =
        counter("portage_sync", "Sync runs by result: success or failure.", "status")
            .register(registry);
    syncDuration =
        Histogram.builder()
            .name("portage_sync_duration_seconds")
            .help("Duration of a sync run in seconds.")
            .labelNames("name", "namespace")
            .classicOnly()
            .classicUpperBounds(SYNC_SECONDS)
            .register(registry);
    imagesCopied = counter("portage_images_copied", "Tags copied.").register(registry);
    imagesSkipped =
        counter("portage_images_skipped", "Tags skipped because they were already up to date.")
            .register(registry);
    imagesFailed = counter("portage_images_failed", "Tags whose sync failed.").register(registry);
    imagesVerified =
        counter(
                "portage_images_verified",
                "Tags that passed the validation gates. Always 0: validation gates are not"
                    + " implemented yet.")
            .register(registry);
    validationFailed =
        counter(
                "portage_images_validation_failed",
                "Tags rejected by a validation gate. Always 0: validation gates are not"
                    + " implemented yet.",
                "gate")
            .register(registry);
    // client_java rejects names ending in _info and appends the suffix to an Info metric itself.
    imageInfo =
        Info.builder()
            .name("portage_image")
            .help(
                "DEPRECATED, use portager_imagesync_tags: always 1, with the tag counts in labels,"
                    + " so every change of a count starts a new series.")
            .labelNames("name", "namespace", "synced", "failed", "total")
            .register(registry);
    tags =
        Gauge.builder()
            .name("portager_imagesync_tags")
            .help("Tags of an ImageSync by state after its last run: synced or failed.")
            .labelNames("name", "namespace", "state")
            .register(registry);
    bytesCopied =
        counter("portager_bytes_copied", "Bytes of blobs uploaded to destinations.")
            .register(registry);
    blobs =
        counter(
                "portager_blobs",
                "Blobs the destination lacked, by result: copied (uploaded) or mounted from"
                    + " another repository.",
                "result")
            .register(registry);
    registryRequests =
        Counter.builder()
            .name("portager_registry_requests")
            .help(
                "HTTP exchanges with registries (retries, redirects and token fetches included)"
                    + " by method and status code; code 0 means no response arrived.")
            .labelNames("registry", "method", "code")
            .register(registry);
    lastSuccess =
        Gauge.builder()
            .name("portager_imagesync_last_success_timestamp_seconds")
            .help(
                "Unix time in seconds when a sync run of the ImageSync last finished with no failed tag.")
            .labelNames("name", "namespace")
            .register(registry);
    reconcileDuration =
        Histogram.builder()
            .name("portager_reconcile_duration_seconds")
            .help("Duration of a reconcile in seconds, by outcome: success or error.")
            .labelNames("outcome")
            .classicOnly()
            .classicUpperBounds(RECONCILE_SECONDS)
            .register(registry);
    GaugeWithCallback.builder()
        .name("portager_workqueue_depth")
        .help("ImageSync keys waiting for a worker.")
        .callback(callback -> callback.call(queueDepth.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("portager_registry_rate_limit_remaining")
        .help(
            "Requests left in the registry's rate limit window, from its last RateLimit-Remaining"
                + " header; only for registries that sent one.")
        .labelNames("registry")
        .callback(
            callback -> rateLimits().forEach((host, remaining) -> callback.call(remaining, host)))
        .register(registry);
    perImageSync =
        List.of(
            syncs,
            syncDuration,
            imagesCopied,
            imagesSkipped,
            imagesFailed,
            imagesVerified,
            validationFailed,
            tags,
            bytesCopied,
            blobs,
            lastSuccess);
  }

  /**
   * Creates the metrics as above and adds the JVM metrics to {@code registry} too; they are set up
   * on the first scrape.
   */
  public static OperatorMetrics withJvmMetrics(PrometheusRegistry registry) {
    OperatorMetrics metrics = new OperatorMetrics(registry);
    registry.register(new JvmMetricsOnScrape());
    return metrics;
  }

  private static Counter.Builder counter(String name, String help, String... extraLabels) {
    String[] labels = new String[2 + extraLabels.length];
    labels[0] = "name";
    labels[1] = "namespace";
    System.arraycopy(extraLabels, 0, labels, 2, extraLabels.length);
    return Counter.builder().name(name).help(help).labelNames(labels);
  }

  /** Reads {@code portager_workqueue_depth} from {@code depth} at every scrape. */
  public void watchQueue(IntSupplier depth) {
    this.queueDepth = depth;
  }

  /** Reads {@code portager_registry_rate_limit_remaining} from these clients at every scrape. */
  public void watchRegistries(Registries registries) {
    this.registries = registries;
  }

  /** Records a finished sync run. */
  public void recordSync(SyncRun run) {
    String name = run.name();
    String namespace = run.namespace();
    syncs.labelValues(name, namespace, run.succeeded() ? "success" : "failure").inc();
    syncDuration.labelValues(name, namespace).observe(seconds(run.duration()));
    imagesCopied.labelValues(name, namespace).inc(run.copied());
    imagesSkipped.labelValues(name, namespace).inc(run.skipped());
    imagesFailed.labelValues(name, namespace).inc(run.failed());
    bytesCopied.labelValues(name, namespace).inc(run.bytesCopied());
    blobs.labelValues(name, namespace, "copied").inc(run.blobsCopied());
    blobs.labelValues(name, namespace, "mounted").inc(run.blobsMounted());
    blobs.labelValues(name, namespace, "skipped").inc(run.blobsSkipped());
    imagesVerified.initLabelValues(name, namespace);
    tags.labelValues(name, namespace, "synced").set(run.syncedTags());
    tags.labelValues(name, namespace, "failed").set(run.failedTags());
    if (run.succeeded()) {
      lastSuccess.labelValues(name, namespace).set(run.finished().toEpochMilli() / 1000.0);
    }
    replaceInfo(run);
  }

  private synchronized void replaceInfo(SyncRun run) {
    List<String> labels =
        List.of(
            run.name(),
            run.namespace(),
            Integer.toString(run.syncedTags()),
            Integer.toString(run.failedTags()),
            Integer.toString(run.totalTags()));
    List<String> previous = infoLabels.put(run.namespace() + "/" + run.name(), labels);
    if (previous != null && !previous.equals(labels)) {
      imageInfo.remove(previous.toArray(String[]::new));
    }
    imageInfo.addLabelValues(labels.toArray(String[]::new));
  }

  /** Removes every series of the ImageSync {@code namespace/name}, as when it was deleted. */
  public synchronized void forget(String namespace, String name) {
    List<String> info = infoLabels.remove(namespace + "/" + name);
    if (info != null) {
      imageInfo.remove(info.toArray(String[]::new));
    }
    for (StatefulMetric<?, ?> metric : perImageSync) {
      metric.removeIf(labels -> labels.get(0).equals(name) && labels.get(1).equals(namespace));
    }
  }

  @Override
  public void exchanged(String registry, String method, int status) {
    registryRequests.labelValues(registry, method, Integer.toString(status)).inc();
  }

  @Override
  public void reconciled(String key, Duration duration, boolean succeeded) {
    reconcileDuration.labelValues(succeeded ? "success" : "error").observe(seconds(duration));
  }

  /** Returns the lowest remaining count per registry host, as clients for one host may differ. */
  private Map<String, Long> rateLimits() {
    Registries watched = registries;
    Map<String, Long> remaining = new TreeMap<>();
    if (watched == null) {
      return remaining;
    }
    for (RegistryClient client : watched.clients()) {
      OptionalLong count = client.rateLimitRemaining();
      if (count.isPresent()) {
        remaining.merge(client.endpoint().host(), count.getAsLong(), Math::min);
      }
    }
    return remaining;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
