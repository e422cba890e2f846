package io.portager.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {
  @Test
  void defaultsApplyWithoutFlags() {
    OperatorConfig config = OperatorConfig.parse(new String[0], Map.of());

    assertEquals("", config.kubeconfig());
    assertEquals(List.of(), config.namespaces());
    assertEquals(2, config.workers());
    assertEquals(8, config.tagConcurrency());
    assertFalse(config.allowCrossNamespaceSecrets());
    assertFalse(config.leaderElect());
    assertEquals(Duration.ofSeconds(15), config.leaseDuration());
    assertEquals(8081, config.healthAddress().getPort());
  }

  @Test
  void flagsWinOverEnvironment() {
    OperatorConfig config =
        OperatorConfig.parse(
            new String[] {"--workers", "5", "--namespace=team-a", "--leader-elect"},
            Map.of("PORTAGER_WORKERS", "3", "PORTAGER_TAG_CONCURRENCY", "6"));

    assertEquals(5, config.workers());
    assertEquals(6, config.tagConcurrency());
    assertEquals(List.of("team-a"), config.namespaces());
    assertTrue(config.leaderElect());
  }

  @Test
  void namespaceTakesCommaSeparatedList() {
    OperatorConfig config =
        OperatorConfig.parse(new String[] {"--namespace", " team-a,team-b,,team-a "}, Map.of());

    assertEquals(List.of("team-a", "team-b"), config.namespaces());
  }

  @Test
  void healthAddressWithHost() {
    OperatorConfig config =
        OperatorConfig.parse(new String[] {"--health-address", "127.0.0.1:0"}, Map.of());

    assertEquals("127.0.0.1", config.healthAddress().getHostString());
    assertEquals(0, config.healthAddress().getPort());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--workers 0|invalid --workers \"0\"",
        "--workers x|invalid --workers",
        "--log-format xml|use one of logfmt, json",
        "--lease-duration 15|use a whole number with ms, s or m",
        "--health-address 8081|use host:port",
        "--unknown 1|unknown flag --unknown",
        "stray|unexpected argument",
        "--workers|needs a value",
        "--allow-cross-namespace-secrets=maybe|use true or false",
        "--registry-qps -1|use 0 (no limit) or a positive number",
        "--registry-max-in-flight 0|use a whole number of 1 or more",
        "--namespace Team-A|\"Team-A\" is not a namespace name",
        "--namespace a;b|use lower-case names separated by commas",
      })
  void rejectsBadFlags(String args, String fragment) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OperatorConfig.parse(args.split(" "), Map.of()));

    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
