package io.portager.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The Prometheus client's JVM metrics, set up on the first scrape. Setting them up reads the JVM's
 * management beans, which took tens of milliseconds of the operator's start-up before the first
 * sync. A scrape comes later and pays that cost once.
 *
 * <p>Mutable state: {@code jvm}, set once under this object's monitor and read without it.
 */
final class JvmMetricsOnScrape implements MultiCollector {
  private volatile PrometheusRegistry jvm;

  @Override
  public MetricSnapshots collect() {
    return registry().scrape();
  }

  private PrometheusRegistry registry() {
    PrometheusRegistry current = jvm;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (jvm == null) {
        PrometheusRegistry created = new PrometheusRegistry();
        JvmMetrics.builder().register(created);
        jvm = created;
      }
      return jvm;
    }
  }
}
