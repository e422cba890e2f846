package io.portager.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.registry.Credential;
import io.portager.registry.Registries;
import io.portager.registry.RegistryEndpoint;
import io.portager.registry.Repository;
import io.portager.sync.ImageCopier;
import io.portager.sync.TagResult;
import io.portager.testenv.AccessLogEntry;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.TokenServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Copies real images between every pair of four real registries on 127.0.0.1: distribution 2.8
 * (Debian's docker-registry) and distribution v3, each behind Bearer token auth and behind basic
 * auth. Digests are read back with skopeo, which never uses the project's client.
 */
class RegistryInteropIT {
  private static final String USER = "interop";
  private static RunDirectory run;
  private static TokenServer tokenServer;
  private static RegistryCredentials credentials;
  private static final List<OciRegistry> REGISTRIES = new ArrayList<>();
  private static Skopeo skopeo;
  private static final Registries CLIENTS = new Registries(Clock.systemUTC());
  private static final ImageCopier COPIER = new ImageCopier();

  @BeforeAll
  static void startRegistries() {
    run = RunDirectory.create("interop");
    credentials = RegistryCredentials.of(USER, "pw-" + UUID.randomUUID());
    tokenServer =
        TokenServer.start(
            run, "interop-token", Map.of(USER, credentials.password()), Duration.ofMinutes(5));
    RegistryAuth token = RegistryAuth.token(tokenServer);
    RegistryAuth basic = RegistryAuth.htpasswd(Map.of(USER, credentials.password()));
    REGISTRIES.add(
        OciRegistry.start(run, "v2-token", OciRegistry.Implementation.DISTRIBUTION_2, token));
    REGISTRIES.add(
        OciRegistry.start(run, "v2-basic", OciRegistry.Implementation.DISTRIBUTION_2, basic));
    REGISTRIES.add(
        OciRegistry.start(run, "v3-token", OciRegistry.Implementation.DISTRIBUTION_3, token));
    REGISTRIES.add(
        OciRegistry.start(run, "v3-basic", OciRegistry.Implementation.DISTRIBUTION_3, basic));
    skopeo = Skopeo.create(run);
  }

  @AfterAll
  static void stopRegistries() {
    for (OciRegistry registry : REGISTRIES) {
      registry.close();
    }
    tokenServer.close();
  }

  /** Every ordered pair of distinct registries, by index into REGISTRIES. */
  static Stream<Arguments> pairs() {
    String[] names = {"v2-token", "v2-basic", "v3-token", "v3-basic"};
    List<Arguments> pairs = new ArrayList<>();
    for (int source = 0; source < names.length; source++) {
      for (int destination = 0; destination < names.length; destination++) {
        if (source != destination) {
          pairs.add(Arguments.of(names[source], names[destination], source, destination));
        }
      }
    }
    return pairs.stream();
  }

  private static Repository repository(OciRegistry registry, String name) {
    RegistryEndpoint endpoint = new RegistryEndpoint(registry.host(), true, false);
    return CLIENTS
        .client(endpoint)
        .repository(name, new Credential.Basic(credentials.username(), credentials.password()));
  }

  private static String push(OciRegistry registry, String repository, String tag, String kind) {
    Path layout =
        run.directory("layouts")
            .resolve(registry.name() + "-" + repository.replace('/', '_') + "-" + tag);
    String seed = registry.name() + "/" + repository + ":" + tag;
    var fixture =
        kind.equals("index")
            ? Fixtures.twoPlatformIndex(layout, tag, seed)
            : Fixtures.dockerSchema2Image(layout, tag, seed);
    return Fixtures.push(skopeo, fixture, registry.host(), repository, tag, credentials).digest();
  }

  @ParameterizedTest(name = "{0} to {1}")
  @MethodSource("pairs")
  void copiesIndexAndDockerImage(String from, String to, int sourceIndex, int destinationIndex) {
    OciRegistry source = REGISTRIES.get(sourceIndex);
    OciRegistry destination = REGISTRIES.get(destinationIndex);
    String repository = "interop/" + to + "/app";
    String indexDigest = push(source, repository, "index", "index");
    String dockerDigest = push(source, repository, "docker", "docker");

    TagResult index =
        COPIER.sync(
            repository(source, repository), repository(destination, "copy/" + repository), "index");
    TagResult docker =
        COPIER.sync(
            repository(source, repository),
            repository(destination, "copy/" + repository),
            "docker");

    String target = destination.host() + "/copy/" + repository;
    assertTrue(index.copied());
    assertTrue(docker.copied());
    assertEquals(indexDigest, index.sourceDigest().toString());
    assertEquals(indexDigest, skopeo.digest(target + ":index", credentials));
    assertEquals(dockerDigest, skopeo.digest(target + ":docker", credentials));
    assertArrayEquals(
        skopeo.rawManifest(source.host() + "/" + repository + ":index", credentials),
        skopeo.rawManifest(target + ":index", credentials));
  }

  @ParameterizedTest(name = "{0} to {1}")
  @MethodSource("pairs")
  void resyncWritesNothing(String from, String to, int sourceIndex, int destinationIndex) {
    OciRegistry source = REGISTRIES.get(sourceIndex);
    OciRegistry destination = REGISTRIES.get(destinationIndex);
    String repository = "resync/" + to + "/app";
    push(source, repository, "1", "index");
    COPIER.sync(repository(source, repository), repository(destination, repository), "1");
    OciRegistry.AccessLogMark mark = destination.markAccessLog();

    TagResult again =
        COPIER.sync(repository(source, repository), repository(destination, repository), "1");

    assertFalse(again.copied());
    List<AccessLogEntry> requests = destination.accessLogSince(mark);
    assertFalse(requests.isEmpty(), "no request reached the destination");
    assertEquals(List.of(), requests.stream().filter(AccessLogEntry::isWrite).toList());
  }
}
