package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTrustTest {
  @TempDir static Path certificates;
  @TempDir Path work;

  private static TestCertificates ca;
  private static HttpsRegistry registry;

  private final RegistryClientTest.MutableClock clock = new RegistryClientTest.MutableClock();

  @BeforeAll
  static void start() throws Exception {
    ca = new TestCertificates(certificates);
    registry = new HttpsRegistry(ca.serverContext());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  @Test
  void rejectedWithoutBundle() {
    Registries registries = new Registries(clock);

    RegistryException e = assertThrows(RegistryException.class, () -> head(registries));

    assertTrue(e.isRetryable(), e.getMessage());
  }

  @Test
  void acceptedWithBundleOfSeveralCertificates() throws Exception {
    Path bundle = work.resolve("bundle.pem");
    Files.writeString(bundle, Files.readString(ca.firstCa) + Files.readString(ca.secondCa));

    assertTrue(head(new Registries(clock, settings(bundle))));
  }

  @Test
  void acceptedWithBundleDirectory() throws Exception {
    Path directory = Files.createDirectory(work.resolve("certs"));
    Files.copy(ca.firstCa, directory.resolve("first.pem"));
    Files.copy(ca.secondCa, directory.resolve("second.crt"));
    Files.writeString(directory.resolve("README.txt"), "not a certificate");

    assertTrue(head(new Registries(clock, settings(directory))));
  }

  @Test
  void replacedBundleIsReloaded() throws Exception {
    Path bundle = work.resolve("bundle.pem");
    Files.copy(ca.firstCa, bundle);
    Registries registries = new Registries(clock, settings(bundle));
    assertThrows(RegistryException.class, () -> head(registries));

    Files.writeString(bundle, Files.readString(ca.secondCa));
    Files.setLastModifiedTime(bundle, FileTime.from(clock.instant().plusSeconds(60)));
    clock.advance(Duration.ofSeconds(10));
    assertThrows(RegistryException.class, () -> head(registries), "checked before the interval");

    clock.advance(Duration.ofSeconds(21));
    assertTrue(head(registries));
  }

  @Test
  void invalidReplacementKeepsPreviousTrust() throws Exception {
    Path bundle = work.resolve("bundle.pem");
    Files.copy(ca.secondCa, bundle);
    Registries registries = new Registries(clock, settings(bundle));

    Files.writeString(bundle, "garbage");
    clock.advance(Duration.ofSeconds(31));

    assertTrue(head(registries));
  }

  @Test
  void insecureSkipTlsVerifyAcceptsWithoutBundle() {
    Registries registries = new Registries(clock);
    RegistryEndpoint endpoint = new RegistryEndpoint(registry.host(), false, true);

    assertTrue(
        registries
            .client(endpoint)
            .repository("app", new Credential.Anonymous())
            .headManifest("v1")
            .isPresent());
  }

  @Test
  void unreadableBundleFailsAtStart() {
    Path missing = work.resolve("missing.pem");

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new Registries(clock, settings(missing)));

    assertTrue(e.getMessage().startsWith("read CA bundle " + missing), e.getMessage());
  }

  @Test
  void emptyBundleFailsAtStart() throws Exception {
    Path empty = Files.writeString(work.resolve("empty.pem"), "");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Registries(clock, settings(empty)));

    assertEquals("load CA bundle " + empty + ": no certificates found", e.getMessage());
    assertFalse(e.getMessage().isEmpty());
  }

  private static RegistrySettings settings(Path bundle) {
    return new RegistrySettings(bundle, Duration.ofSeconds(30), Map.of());
  }

  private static boolean head(Registries registries) {
    RegistryEndpoint endpoint = new RegistryEndpoint(registry.host(), false, false);
    return registries
        .client(endpoint)
        .repository("app", new Credential.Anonymous())
        .headManifest("v1")
        .isPresent();
  }
}
