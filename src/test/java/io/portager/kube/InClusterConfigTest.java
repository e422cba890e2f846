package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InClusterConfigTest {
  private static final Map<String, String> ENV =
      Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "KUBERNETES_SERVICE_PORT", "443");

  @TempDir Path dir;
  private Path serviceAccount;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void writeServiceAccount() throws Exception {
    serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
    TestPki pki = new TestPki(dir);
    Files.copy(
        pki.selfSignedCertificate("ca", pki.ecSec1Key("ca")), serviceAccount.resolve("ca.crt"));
    Files.writeString(serviceAccount.resolve("token"), "first-token\n");
    Files.writeString(serviceAccount.resolve("namespace"), "portager-system");
  }

  @Test
  void readsServiceAccount() {
    KubeConfig config = InClusterLoader.load(ENV, serviceAccount, clock);

    assertEquals("https://10.0.0.1:443", config.server().toString());
    assertEquals(Optional.of("Bearer first-token"), config.authorization());
    assertEquals(Optional.of("portager-system"), config.namespace());
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1, 443, https://10.0.0.1:443",
    "fd00::1, 6443, https://[fd00::1]:6443",
    "kubernetes.default.svc, 443, https://kubernetes.default.svc:443",
  })
  void bracketsIpv6Host(String host, String port, String expected) {
    assertEquals(expected, InClusterLoader.server(host, port).toString());
  }

  @Test
  void rereadsTokenAfterOneMinute() throws Exception {
    KubeConfig config = InClusterLoader.load(ENV, serviceAccount, clock);
    Files.writeString(serviceAccount.resolve("token"), "second-token");

    clock.advance(Duration.ofSeconds(59));
    assertEquals(Optional.of("Bearer first-token"), config.authorization());

    clock.advance(Duration.ofSeconds(1));
    assertEquals(Optional.of("Bearer second-token"), config.authorization());
  }

  @Test
  void rereadsTokenAfterInvalidate() throws Exception {
    KubeConfig config = InClusterLoader.load(ENV, serviceAccount, clock);
    Files.writeString(serviceAccount.resolve("token"), "second-token");

    config.invalidateCredentials();

    assertEquals(Optional.of("Bearer second-token"), config.authorization());
  }

  @Test
  void missingCaFails() throws Exception {
    Files.delete(serviceAccount.resolve("ca.crt"));

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class, () -> InClusterLoader.load(ENV, serviceAccount, clock));

    assertTrue(error.getMessage().contains("ca.crt"), error.getMessage());
  }

  @Test
  void emptyTokenFails() throws Exception {
    Files.writeString(serviceAccount.resolve("token"), "\n");

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class, () -> InClusterLoader.load(ENV, serviceAccount, clock));

    assertTrue(error.getMessage().contains("file is empty"), error.getMessage());
  }

  @Test
  void loadPrefersExplicitPath() throws Exception {
    Path kubeconfig = writeKubeconfig(dir.resolve("explicit"));

    KubeConfig config = KubeConfig.load(kubeconfig.toString(), ENV, dir, serviceAccount, clock);

    assertEquals("https://127.0.0.1:6443", config.server().toString());
  }

  @Test
  void loadPrefersInClusterOverKubeconfig() throws Exception {
    writeKubeconfig(dir.resolve(".kube/config"));

    KubeConfig config = KubeConfig.load(null, ENV, dir, serviceAccount, clock);

    assertEquals("https://10.0.0.1:443", config.server().toString());
  }

  @Test
  void loadUsesFirstExistingKubeconfig() throws Exception {
    Path second = writeKubeconfig(dir.resolve("second"));
    Map<String, String> env = Map.of("KUBECONFIG", dir.resolve("missing") + ":" + second);

    KubeConfig config = KubeConfig.load("", env, dir, serviceAccount, clock);

    assertEquals("https://127.0.0.1:6443", config.server().toString());
  }

  @Test
  void loadFallsBackToHomeKubeconfig() throws Exception {
    writeKubeconfig(dir.resolve(".kube/config"));

    KubeConfig config = KubeConfig.load(null, Map.of(), dir, serviceAccount, clock);

    assertEquals("https://127.0.0.1:6443", config.server().toString());
  }

  @Test
  void loadWithoutAnyConfigFails() {
    KubeConfigException error =
        assertThrows(
            KubeConfigException.class,
            () -> KubeConfig.load(null, Map.of(), dir, dir.resolve("none"), Clock.systemUTC()));

    assertTrue(error.getMessage().contains("set KUBECONFIG"), error.getMessage());
    assertFalse(error.getMessage().contains("first-token"));
  }

  private static Path writeKubeconfig(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    String content =
        String.join(
            "\n",
            List.of(
                "current-context: c",
                "contexts: [{name: c, context: {cluster: c, user: u}}]",
                "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
                "users: [{name: u, user: {token: t}}]"));
    Files.writeString(file, content);
    return file;
  }
}
