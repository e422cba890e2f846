package io.portager.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmMetricsOnScrapeTest {
  private static List<String> names(PrometheusRegistry registry) {
    return registry.scrape().stream().map(s -> s.getMetadata().getPrometheusName()).toList();
  }

  @Test
  void withJvmMetricsScrapesBoth() {
    PrometheusRegistry registry = new PrometheusRegistry();
    OperatorMetrics.withJvmMetrics(registry);

    for (int scrape = 0; scrape < 2; scrape++) {
      List<String> names = names(registry);
      assertTrue(names.stream().anyMatch(n -> n.startsWith("jvm_memory")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("jvm_threads")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("portager_")), names.toString());
    }
  }

  @Test
  void operatorMetricsAloneHaveNoJvm() {
    PrometheusRegistry registry = new PrometheusRegistry();
    new OperatorMetrics(registry);

    assertTrue(names(registry).stream().noneMatch(n -> n.startsWith("jvm_")));
  }
}
