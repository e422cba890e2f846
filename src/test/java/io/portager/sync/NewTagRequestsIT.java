package io.portager.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.registry.Credential;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryEndpoint;
import io.portager.registry.Repository;
import io.portager.testenv.AccessLogEntry;
import io.portager.testenv.Crane;
import io.portager.testenv.FixtureImage;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Copies a two-platform index between two real distribution registries, first as a tag new at the
 * destination and then unchanged, and counts each kind of request in the registries' access logs.
 * The fixture has five blobs under 1 MiB each, which are a base layer that both platforms share and
 * a layer and a config per platform.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewTagRequestsIT {
  private static final String REPOSITORY = "team/app";
  private static final String TAG = "1.0";

  private RunDirectory run;
  private Skopeo skopeo;
  private Crane crane;

  @BeforeAll
  void prepare() {
    run = RunDirectory.create("new-tag-it");
    skopeo = Skopeo.create(run);
    crane = Crane.create(run);
  }

  @ParameterizedTest
  @EnumSource(OciRegistry.Implementation.class)
  void newThenUnchangedTagRequestCounts(OciRegistry.Implementation implementation) {
    String name = "newtag-" + implementation.name().toLowerCase(Locale.ROOT);
    try (OciRegistry sourceRegistry =
            OciRegistry.start(run, name + "-source", implementation, RegistryAuth.none());
        OciRegistry destinationRegistry =
            OciRegistry.start(run, name + "-destination", implementation, RegistryAuth.none())) {
      FixtureImage fixture = Fixtures.twoPlatformIndex(run.directory(name + "-fixture"), TAG, name);
      Fixtures.PushedImage pushed =
          Fixtures.push(
              skopeo,
              fixture,
              sourceRegistry.host(),
              REPOSITORY,
              TAG,
              RegistryCredentials.anonymous());
      Repository source = repository(sourceRegistry);
      Repository destination = repository(destinationRegistry);
      ImageCopier copier = new ImageCopier();

      Counts newTag =
          count(sourceRegistry, destinationRegistry, () -> copier.sync(source, destination, TAG));

      assertTrue(newTag.result().copied(), newTag.result().toString());
      assertEquals(5, newTag.result().blobsCopied(), newTag.result().toString());
      assertEquals(Map.of("GET manifest", 3L, "GET blob", 5L), newTag.source());
      assertEquals(
          Map.of("HEAD manifest", 1L, "POST upload", 5L, "PUT upload", 5L, "PUT manifest", 3L),
          newTag.destination());

      Counts unchanged =
          count(sourceRegistry, destinationRegistry, () -> copier.sync(source, destination, TAG));

      assertFalse(unchanged.result().copied(), unchanged.result().toString());
      assertEquals(Map.of("HEAD manifest", 1L), unchanged.source());
      assertEquals(Map.of("HEAD manifest", 1L), unchanged.destination());

      String copied = destinationRegistry.host() + "/" + REPOSITORY + ":" + TAG;
      assertEquals(pushed.digest(), skopeo.digest(copied, RegistryCredentials.anonymous()));
      assertEquals(pushed.digest(), crane.digest(copied, RegistryCredentials.anonymous()));
    }
  }

  /** Request counts by kind at each registry during one sync, and the sync's result. */
  private record Counts(
      TagResult result, Map<String, Long> source, Map<String, Long> destination) {}

  private static Counts count(
      OciRegistry sourceRegistry, OciRegistry destinationRegistry, Supplier<TagResult> sync) {
    OciRegistry.AccessLogMark sourceMark = sourceRegistry.markAccessLog();
    OciRegistry.AccessLogMark destinationMark = destinationRegistry.markAccessLog();

    TagResult result = sync.get();

    return new Counts(
        result,
        byKind(sourceRegistry.accessLogSince(sourceMark)),
        byKind(destinationRegistry.accessLogSince(destinationMark)));
  }

  /** Counts requests by method and resource kind, such as "HEAD manifest" or "POST upload". */
  private static Map<String, Long> byKind(List<AccessLogEntry> log) {
    Map<String, Long> counts = new TreeMap<>();
    for (AccessLogEntry entry : log) {
      counts.merge(entry.method() + " " + kind(entry.path()), 1L, Long::sum);
    }
    return counts;
  }

  private static String kind(String path) {
    if (path.contains("/manifests/")) {
      return "manifest";
    }
    if (path.contains("/blobs/uploads/")) {
      return "upload";
    }
    if (path.contains("/blobs/")) {
      return "blob";
    }
    return path;
  }

  private static Repository repository(OciRegistry registry) {
    RegistryClient client = new RegistryClient(new RegistryEndpoint(registry.host(), true, false));
    return client.repository(REPOSITORY, new Credential.Anonymous());
  }
}
