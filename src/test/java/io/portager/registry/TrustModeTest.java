package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustModeTest {
  @TempDir Path directory;

  private Path bundle() throws Exception {
    Path key = directory.resolve("ca.key");
    Path certificate = directory.resolve("ca.pem");
    Process openssl =
        new ProcessBuilder(
                "/usr/bin/openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=trust-mode-test")
            .redirectErrorStream(true)
            .start();
    openssl.getInputStream().readAllBytes();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
    assertEquals(0, openssl.exitValue(), "openssl failed");
    return certificate;
  }

  @Test
  void replaceTrustsBundleAlone() throws Exception {
    ReloadingTrustManager alone =
        new ReloadingTrustManager(bundle(), Duration.ofSeconds(30), Clock.systemUTC(), false);

    assertEquals(1, alone.getAcceptedIssuers().length);
  }

  @Test
  void appendAddsBundleToSystemCas() throws Exception {
    ReloadingTrustManager both =
        new ReloadingTrustManager(bundle(), Duration.ofSeconds(30), Clock.systemUTC(), true);

    assertEquals(
        ReloadingTrustManager.systemTrust().getAcceptedIssuers().length + 1,
        both.getAcceptedIssuers().length);
  }

  @Test
  void replaceWithoutBundleIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new RegistrySettings(
                    null, Duration.ofSeconds(30), Map.of(), ClientLimits.DEFAULT, false));

    assertTrue(e.getMessage().contains("needs a CA bundle"), e.getMessage());
  }
}
