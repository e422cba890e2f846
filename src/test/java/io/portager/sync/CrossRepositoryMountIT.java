package io.portager.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.registry.Credential;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryEndpoint;
import io.portager.testenv.AccessLogEntry;
import io.portager.testenv.FixtureImage;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Copies an image between two repositories of one real distribution registry and reads the
 * registry's access log to show that every blob was mounted, not uploaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossRepositoryMountIT {
  private RunDirectory run;
  private Skopeo skopeo;

  @BeforeAll
  void prepare() {
    run = RunDirectory.create("mount-it");
    skopeo = Skopeo.create(run);
  }

  @ParameterizedTest
  @EnumSource(OciRegistry.Implementation.class)
  void copyBetweenRepositoriesMountsBlobs(OciRegistry.Implementation implementation) {
    String name = "mount-" + implementation.name().toLowerCase(java.util.Locale.ROOT);
    try (OciRegistry registry = OciRegistry.start(run, name, implementation, RegistryAuth.none())) {
      FixtureImage fixture =
          Fixtures.sharedBaseImage(run.directory(name + "-fixture"), "1.0", name);
      Fixtures.PushedImage pushed =
          Fixtures.push(
              skopeo, fixture, registry.host(), "a/app", "1.0", RegistryCredentials.anonymous());
      RegistryClient client =
          new RegistryClient(new RegistryEndpoint(registry.host(), true, false));
      Credential anonymous = new Credential.Anonymous();
      OciRegistry.AccessLogMark mark = registry.markAccessLog();

      TagResult result =
          new ImageCopier()
              .sync(
                  client.repository("a/app", anonymous),
                  client.repository("b/app", anonymous),
                  "1.0");

      List<AccessLogEntry> log = registry.accessLogSince(mark);
      List<AccessLogEntry> mounts =
          log.stream()
              .filter(e -> e.method().equals("POST") && e.query().contains("mount="))
              .toList();
      List<AccessLogEntry> blobPuts =
          log.stream()
              .filter(e -> e.method().equals("PUT") && e.path().contains("/blobs/uploads/"))
              .toList();
      assertTrue(result.blobsMounted() > 0, result.toString());
      assertEquals(0, result.blobsCopied(), result.toString());
      assertEquals(result.blobsMounted(), mounts.size(), log.toString());
      assertTrue(mounts.stream().allMatch(e -> e.status() == 201), mounts.toString());
      assertTrue(
          mounts.stream().allMatch(e -> e.query().contains("from=a%2Fapp")), mounts.toString());
      assertEquals(List.of(), blobPuts);
      assertEquals(
          pushed.digest(),
          skopeo.digest(registry.host() + "/b/app:1.0", RegistryCredentials.anonymous()));
    }
  }
}
