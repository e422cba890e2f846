package io.portager.e2e;

import static io.portager.e2e.E2eEnvironment.condition;
import static io.portager.e2e.E2eEnvironment.readyIs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.testenv.AccessLogEntry;
import io.portager.testenv.CommandResult;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.Ports;
import io.portager.testenv.RegistryCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives the operator through kubectl against a real kube-apiserver and real registries, and checks
 * every copied digest with skopeo or crane.
 */
class ImageSyncE2EIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static E2eEnvironment env;

  @BeforeAll
  static void startEnvironment() {
    env = E2eEnvironment.get();
  }

  /** Pushes fixtures with skopeo and returns the digest skopeo reads back. */
  private static String pushIndex(
      OciRegistry registry,
      RegistryCredentials credentials,
      String repository,
      String tag,
      String seed) {
    Path layout = env.run.directory("layouts").resolve(repository.replace('/', '_') + "-" + seed);
    return Fixtures.push(
            env.skopeo,
            Fixtures.twoPlatformIndex(layout, tag, seed),
            registry.host(),
            repository,
            tag,
            credentials)
        .digest();
  }

  private static String pushDockerImage(
      OciRegistry registry,
      RegistryCredentials credentials,
      String repository,
      String tag,
      String seed) {
    Path layout = env.run.directory("layouts").resolve(repository.replace('/', '_') + "-" + seed);
    return Fixtures.push(
            env.skopeo,
            Fixtures.dockerSchema2Image(layout, tag, seed),
            registry.host(),
            repository,
            tag,
            credentials)
        .digest();
  }

  private static String imageSync(
      String namespace,
      String name,
      String schedule,
      OciRegistry source,
      String sourceSecret,
      OciRegistry destination,
      String destinationSecret,
      String images) {
    return "apiVersion: portager.portager.io/v1alpha1\n"
        + "kind: ImageSync\n"
        + "metadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\n"
        + "spec:\n"
        + "  schedule: \""
        + schedule
        + "\"\n"
        + "  source: {registry: \""
        + source.host()
        + "\", plainHTTP: true"
        + (sourceSecret == null ? "" : ", authSecretRef: {name: " + sourceSecret + "}")
        + "}\n"
        + "  destination:\n"
        + "    registry: \""
        + destination.host()
        + "\"\n"
        + "    plainHTTP: true\n"
        + "    repositoryPrefix: mirror\n"
        + "    auth: {method: secret, secretRef: {name: "
        + destinationSecret
        + "}}\n"
        + "  images:\n"
        + images;
  }

  private static void secrets(String namespace) {
    env.createNamespace(namespace);
    env.createDockerConfigSecret(
        namespace, "token-registry", env.tokenRegistry.host(), env.tokenCredentials);
    env.createDockerConfigSecret(
        namespace, "basic-registry", env.basicRegistry.host(), env.basicCredentials);
  }

  private static List<String> reasons(JsonNode events) {
    List<String> reasons = new ArrayList<>();
    events.forEach(event -> reasons.add(event.path("reason").asText()));
    return reasons;
  }

  private static JsonNode tagStatus(JsonNode imageSync, String image, String tag) {
    for (JsonNode imageStatus : imageSync.path("status").path("images")) {
      if (imageStatus.path("name").asText().equals(image)) {
        for (JsonNode tagStatus : imageStatus.path("tags")) {
          if (tagStatus.path("tag").asText().equals(tag)) {
            return tagStatus;
          }
        }
      }
    }
    throw new AssertionError(
        "no status for " + image + ":" + tag + " in " + imageSync.path("status"));
  }

  @Test
  void syncsTokenRegistryToBasicAuthRegistry() throws Exception {
    String ns = "copy-token-to-basic";
    secrets(ns);
    String app10 =
        pushIndex(env.tokenRegistry, env.tokenCredentials, "t2b/app", "1.0", "t2b-app-1.0");
    String app11 =
        pushIndex(env.tokenRegistry, env.tokenCredentials, "t2b/app", "1.1", "t2b-app-1.1");
    String tool =
        pushDockerImage(env.tokenRegistry, env.tokenCredentials, "t2b/tool", "2.0", "t2b-tool");

    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: t2b/app, tags: [\"1.0\", \"1.1\"]}\n"
                + "    - {name: t2b/tool, tags: [\"2.0\"]}\n"));
    JsonNode synced =
        env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    String dest = env.basicRegistry.host() + "/mirror/";
    assertEquals(app10, env.crane.digest(dest + "t2b/app:1.0", env.basicCredentials));
    assertEquals(app11, env.crane.digest(dest + "t2b/app:1.1", env.basicCredentials));
    assertEquals(tool, env.crane.digest(dest + "t2b/tool:2.0", env.basicCredentials));
    assertEquals(app10, env.skopeo.digest(dest + "t2b/app:1.0", env.basicCredentials));
    assertArrayEquals(
        env.skopeo.rawManifest(env.tokenRegistry.host() + "/t2b/app:1.0", env.tokenCredentials),
        env.skopeo.rawManifest(dest + "t2b/app:1.0", env.basicCredentials));
    assertEquals(3, synced.path("status").path("totalImages").asInt());
    assertEquals(3, synced.path("status").path("syncedImages").asInt());
    assertEquals(0, synced.path("status").path("failedImages").asInt());
    assertEquals(app10, tagStatus(synced, "t2b/app", "1.0").path("sourceDigest").asText());
    assertEquals("SyncSucceeded", condition(synced, "Ready").path("reason").asText());
    assertFalse(synced.path("status").path("nextSyncTime").asText().isEmpty());
    List<String> reasons = reasons(env.events(ns, "mirror"));
    assertTrue(reasons.contains("ImageSynced"), reasons.toString());
    assertTrue(reasons.contains("SyncComplete"), reasons.toString());
    String describe = env.controlPlane.kubectl("describe", "imagesync", "mirror", "-n", ns);
    assertTrue(describe.contains("ImageSynced"), describe);
    assertTrue(describe.contains("SyncComplete"), describe);
  }

  @Test
  void secondSyncWritesNothing() throws Exception {
    String ns = "resync-writes-nothing";
    secrets(ns);
    String app = pushIndex(env.tokenRegistry, env.tokenCredentials, "rs/app", "1.0", "rs-app-1.0");
    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: rs/app, tags: [\"1.0\"]}\n"));
    JsonNode first =
        env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));
    String firstSync = first.path("status").path("lastSyncTime").asText();
    Thread.sleep(1100); // lastSyncTime has whole seconds
    OciRegistry.AccessLogMark mark = env.basicRegistry.markAccessLog();

    env.controlPlane.kubectl(
        "annotate", "imagesync", "mirror", "-n", ns, "portager.portager.io/sync-now=true");
    JsonNode second =
        env.awaitImageSync(
            ns,
            "mirror",
            TIMEOUT,
            "sync-now handled",
            s ->
                !s.path("metadata").path("annotations").has("portager.portager.io/sync-now")
                    && !s.path("status").path("lastSyncTime").asText().equals(firstSync)
                    && readyIs(s, "True"));

    List<AccessLogEntry> requests = env.basicRegistry.accessLogSince(mark);
    assertFalse(requests.isEmpty(), "the second sync sent no request to the destination");
    List<AccessLogEntry> writes = requests.stream().filter(AccessLogEntry::isWrite).toList();
    assertEquals(List.of(), writes);
    assertEquals(app, tagStatus(second, "rs/app", "1.0").path("sourceDigest").asText());
  }

  @Test
  void movedTagIsCopiedOnSyncNow() throws Exception {
    String ns = "moved-tag";
    secrets(ns);
    pushIndex(env.tokenRegistry, env.tokenCredentials, "mv/app", "1.0", "mv-app-old");
    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: mv/app, tags: [\"1.0\"]}\n"));
    env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));
    String moved =
        pushIndex(env.tokenRegistry, env.tokenCredentials, "mv/app", "1.0", "mv-app-new");

    env.controlPlane.kubectl(
        "annotate", "imagesync", "mirror", "-n", ns, "portager.portager.io/sync-now=true");
    env.awaitImageSync(
        ns,
        "mirror",
        TIMEOUT,
        "new digest synced",
        s ->
            readyIs(s, "True")
                && tagStatus(s, "mv/app", "1.0").path("sourceDigest").asText().equals(moved));

    String dest = env.basicRegistry.host() + "/mirror/mv/app:1.0";
    assertEquals(moved, env.crane.digest(dest, env.basicCredentials));
  }

  @Test
  void specEditTriggersSync() throws Exception {
    String ns = "spec-edit";
    secrets(ns);
    pushIndex(env.tokenRegistry, env.tokenCredentials, "se/app", "1.0", "se-app-1.0");
    String added =
        pushIndex(env.tokenRegistry, env.tokenCredentials, "se/app", "2.0", "se-app-2.0");
    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: se/app, tags: [\"1.0\"]}\n"));
    env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    env.controlPlane.kubectl(
        "patch",
        "imagesync",
        "mirror",
        "-n",
        ns,
        "--type",
        "merge",
        "-p",
        "{\"spec\":{\"images\":[{\"name\":\"se/app\",\"tags\":[\"1.0\",\"2.0\"]}]}}");
    JsonNode edited =
        env.awaitImageSync(
            ns,
            "mirror",
            TIMEOUT,
            "generation 2 synced",
            s -> s.path("metadata").path("generation").asLong() == 2 && readyIs(s, "True"));

    assertEquals(2, edited.path("status").path("observedGeneration").asLong());
    assertEquals(2, edited.path("status").path("syncedImages").asInt());
    assertEquals(
        added,
        env.crane.digest(env.basicRegistry.host() + "/mirror/se/app:2.0", env.basicCredentials));
  }

  @Test
  void syncsBasicAuthRegistryToTokenRegistry() throws Exception {
    String ns = "copy-basic-to-token";
    secrets(ns);
    String app = pushIndex(env.basicRegistry, env.basicCredentials, "b2t/app", "3.0", "b2t-app");
    String tool =
        pushDockerImage(env.basicRegistry, env.basicCredentials, "b2t/tool", "1", "b2t-tool");

    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "0 3 * * *",
            env.basicRegistry,
            "basic-registry",
            env.tokenRegistry,
            "token-registry",
            "    - {name: b2t/app, tags: [\"3.0\"]}\n    - {name: b2t/tool, tags: [\"1\"]}\n"));
    env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    String dest = env.tokenRegistry.host() + "/mirror/";
    assertEquals(app, env.skopeo.digest(dest + "b2t/app:3.0", env.tokenCredentials));
    assertEquals(tool, env.skopeo.digest(dest + "b2t/tool:1", env.tokenCredentials));
  }

  @Test
  void invalidScheduleReportedWhileOtherSyncs() throws Exception {
    String ns = "invalid-schedule";
    secrets(ns);
    String app = pushIndex(env.tokenRegistry, env.tokenCredentials, "is/app", "1.0", "is-app");
    String images = "    - {name: is/app, tags: [\"1.0\"]}\n";

    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "broken",
            "61 * * * *",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            images));
    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "working",
            "@every 2h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            images));

    JsonNode broken =
        env.awaitImageSync(
            ns,
            "broken",
            TIMEOUT,
            "InvalidSchedule",
            s -> condition(s, "Ready").path("reason").asText().equals("InvalidSchedule"));
    env.awaitImageSync(ns, "working", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));
    assertEquals("False", condition(broken, "Ready").path("status").asText());
    String message = condition(broken, "Ready").path("message").asText();
    assertTrue(message.contains("minute"), message);
    assertTrue(reasons(env.events(ns, "broken")).contains("InvalidSchedule"));
    assertEquals(
        app,
        env.crane.digest(env.basicRegistry.host() + "/mirror/is/app:1.0", env.basicCredentials));
  }

  @Test
  void badInputGivesConditionsAndEvents() throws Exception {
    String ns = "bad-input";
    secrets(ns);
    pushIndex(env.tokenRegistry, env.tokenCredentials, "bi/app", "1.0", "bi-app");
    String images = "    - {name: bi/app, tags: [\"1.0\"]}\n";
    OciRegistry unreachable = env.tokenRegistry;

    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "missing-secret",
            "@every 1h",
            env.tokenRegistry,
            "no-such-secret",
            env.basicRegistry,
            "basic-registry",
            images));
    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "missing-tag",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: bi/app, tags: [\"1.0\", \"does-not-exist\"]}\n"));
    String closedPort = "127.0.0.1:" + Ports.free();
    env.controlPlane.kubectlApply(
        imageSync(
                ns,
                "unreachable",
                "@every 1h",
                unreachable,
                null,
                env.basicRegistry,
                "basic-registry",
                images)
            .replace(unreachable.host(), closedPort));

    JsonNode missingSecret =
        env.awaitImageSync(
            ns,
            "missing-secret",
            TIMEOUT,
            "AuthFailed",
            s -> condition(s, "Ready").path("reason").asText().equals("AuthFailed"));
    String secretMessage = condition(missingSecret, "Ready").path("message").asText();
    assertTrue(secretMessage.contains("no-such-secret"), secretMessage);
    assertTrue(secretMessage.contains("kubectl create secret"), secretMessage);
    assertTrue(reasons(env.events(ns, "missing-secret")).contains("AuthFailed"));

    JsonNode missingTag =
        env.awaitImageSync(
            ns,
            "missing-tag",
            TIMEOUT,
            "SyncFailed",
            s -> condition(s, "Ready").path("reason").asText().equals("SyncFailed"));
    assertTrue(tagStatus(missingTag, "bi/app", "1.0").path("synced").asBoolean());
    JsonNode absent = tagStatus(missingTag, "bi/app", "does-not-exist");
    assertFalse(absent.path("synced").asBoolean());
    assertTrue(absent.path("error").asText().contains("not found"), absent.toString());
    assertTrue(reasons(env.events(ns, "missing-tag")).contains("SyncFailed"));

    JsonNode noRegistry =
        env.awaitImageSync(
            ns,
            "unreachable",
            TIMEOUT,
            "SyncFailed",
            s -> condition(s, "Ready").path("reason").asText().equals("SyncFailed"));
    String error = tagStatus(noRegistry, "bi/app", "1.0").path("error").asText();
    assertTrue(error.contains(closedPort), error);
    assertTrue(error.contains("check the registry host"), error);

    Path badMethod = env.run.directory("manifests").resolve("bad-method.yaml");
    Files.writeString(
        badMethod,
        imageSync(
                ns,
                "bad-method",
                "@every 1h",
                env.tokenRegistry,
                null,
                env.basicRegistry,
                "basic-registry",
                images)
            .replace("method: secret", "method: password"));
    CommandResult unknownMethod =
        env.controlPlane.kubectlResult("apply", "--dry-run=server", "-f", badMethod.toString());
    assertNotEquals(0, unknownMethod.exitCode());
    assertTrue(unknownMethod.stderr().contains("Unsupported value"), unknownMethod.stderr());
  }

  @Test
  void failedTagRetriedWithoutRecopyingOthers() throws Exception {
    String ns = "retry-failed-tag";
    secrets(ns);
    pushIndex(env.tokenRegistry, env.tokenCredentials, "rt/app", "1.0", "rt-app-1.0");
    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: rt/app, tags: [\"1.0\", \"1.1\"]}\n"));
    env.awaitImageSync(
        ns,
        "mirror",
        TIMEOUT,
        "SyncFailed",
        s -> condition(s, "Ready").path("reason").asText().equals("SyncFailed"));
    OciRegistry.AccessLogMark mark = env.basicRegistry.markAccessLog();

    String late = pushIndex(env.tokenRegistry, env.tokenCredentials, "rt/app", "1.1", "rt-app-1.1");
    JsonNode retried =
        env.awaitImageSync(
            ns, "mirror", TIMEOUT, "Ready=True after retry", s -> readyIs(s, "True"));

    assertEquals(late, tagStatus(retried, "rt/app", "1.1").path("sourceDigest").asText());
    // Other tests' ImageSyncs keep retrying their own failed tags against the same registry.
    List<String> paths =
        env.basicRegistry.accessLogSince(mark).stream()
            .map(AccessLogEntry::path)
            .filter(p -> p.startsWith("/v2/mirror/rt/app/"))
            .toList();
    assertTrue(paths.stream().anyMatch(p -> p.endsWith("/manifests/1.1")), paths.toString());
    assertFalse(paths.stream().anyMatch(p -> p.endsWith("/manifests/1.0")), paths.toString());
  }

  @Test
  void semverSelectsNewestMatchingTags() throws Exception {
    String ns = "semver-tags";
    secrets(ns);
    for (String tag : List.of("1.0.0", "1.1.0", "1.2.0-rc.1", "2.0.0", "latest")) {
      pushDockerImage(env.tokenRegistry, env.tokenCredentials, "sv/app", tag, "sv-" + tag);
    }

    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: sv/app, semver: \">=1.0.0 <3.0.0\", maxTags: 2,"
                + " excludeTags: [\"2\\\\..*\"]}\n"));
    JsonNode synced =
        env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    List<String> tags = new ArrayList<>();
    synced
        .path("status")
        .path("images")
        .get(0)
        .path("tags")
        .forEach(t -> tags.add(t.path("tag").asText()));
    assertEquals(List.of("1.1.0", "1.0.0"), tags);
    assertEquals(
        env.skopeo.digest(env.tokenRegistry.host() + "/sv/app:1.1.0", env.tokenCredentials),
        env.crane.digest(env.basicRegistry.host() + "/mirror/sv/app:1.1.0", env.basicCredentials));
    List<String> reasons = reasons(env.events(ns, "mirror"));
    assertTrue(reasons.contains("TagsResolved"), reasons.toString());
  }

  @Test
  void platformFilterWritesSmallerIndexOnce() throws Exception {
    String ns = "platform-filter";
    secrets(ns);
    String source = pushIndex(env.tokenRegistry, env.tokenCredentials, "pf/app", "1.0", "pf-app");

    env.controlPlane.kubectlApply(
        imageSync(
            ns,
            "mirror",
            "@every 1h",
            env.tokenRegistry,
            "token-registry",
            env.basicRegistry,
            "basic-registry",
            "    - {name: pf/app, tags: [\"1.0\"], platforms: [linux/arm64, linux/s390x]}\n"));
    JsonNode first =
        env.awaitImageSync(ns, "mirror", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    JsonNode tag = tagStatus(first, "pf/app", "1.0");
    String destination = env.basicRegistry.host() + "/mirror/pf/app:1.0";
    String written = env.crane.digest(destination, env.basicCredentials);
    assertEquals(source, tag.path("sourceDigest").asText());
    assertEquals(written, tag.path("destinationDigest").asText());
    assertNotEquals(source, written);
    assertEquals("linux/arm64", tag.path("platforms").get(0).asText());
    assertTrue(tag.path("warning").asText().contains("linux/s390x"), tag.toString());
    JsonNode index =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(env.crane.rawManifest(destination, env.basicCredentials));
    assertEquals(1, index.path("manifests").size());
    assertEquals(
        "arm64", index.path("manifests").get(0).path("platform").path("architecture").asText());

    String firstSync = first.path("status").path("lastSyncTime").asText();
    Thread.sleep(1100);
    OciRegistry.AccessLogMark mark = env.basicRegistry.markAccessLog();
    env.controlPlane.kubectl(
        "annotate", "imagesync", "mirror", "-n", ns, "portager.portager.io/sync-now=true");
    env.awaitImageSync(
        ns,
        "mirror",
        TIMEOUT,
        "second sync",
        s ->
            !s.path("status").path("lastSyncTime").asText().equals(firstSync)
                && readyIs(s, "True"));
    assertEquals(
        List.of(),
        env.basicRegistry.accessLogSince(mark).stream().filter(AccessLogEntry::isWrite).toList());
  }

  @Test
  void stalledRegistryDoesNotBlockOtherImageSyncs() throws Exception {
    String ns = "stalled-registry";
    secrets(ns);
    pushIndex(env.tokenRegistry, env.tokenCredentials, "ok/app", "1.0", "ok-app");
    try (StallingRegistry stalled = StallingRegistry.start(Duration.ofSeconds(40))) {
      String tags = "[\"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\"]";
      env.controlPlane.kubectlApply(
          "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
              + "metadata: {name: stalled, namespace: "
              + ns
              + "}\n"
              + "spec:\n  schedule: \"@every 1h\"\n"
              + "  source: {registry: \""
              + stalled.host()
              + "\", plainHTTP: true}\n"
              + "  destination: {registry: \""
              + env.basicRegistry.host()
              + "\", plainHTTP: true,"
              + " auth: {method: secret, secretRef: {name: basic-registry}}}\n"
              + "  images: [{name: slow/app, tags: "
              + tags
              + "}]\n");
      stalled.awaitBlobRequests(1, Duration.ofSeconds(30));

      env.controlPlane.kubectlApply(
          imageSync(
              ns,
              "healthy",
              "@every 1h",
              env.tokenRegistry,
              "token-registry",
              env.basicRegistry,
              "basic-registry",
              "    - {name: ok/app, tags: [\"1.0\"]}\n"));

      env.awaitImageSync(
          ns,
          "healthy",
          Duration.ofSeconds(30),
          "Ready=True while another stalls",
          s -> readyIs(s, "True"));
    }
  }

  @Test
  void admissionRejectsInvalidSpecs() throws Exception {
    String ns = "admission";
    env.createNamespace(ns);
    String valid =
        imageSync(
            ns,
            "checked",
            "@every 1h",
            env.tokenRegistry,
            null,
            env.basicRegistry,
            "basic-registry",
            "    - {name: team/app, tags: [\"1.0\"]}\n");
    String[][] cases = {
      {"\"@every 1h\"", "\"every hour\"", "schedule must be five cron fields"},
      {
        "registry: \"" + env.tokenRegistry.host(),
        "registry: \"https://" + env.tokenRegistry.host(),
        "registry must not have a scheme"
      },
      {"name: team/app", "name: Team/App", "image name must be lower-case"},
      {"name: team/app", "name: team/../app", "image name must be lower-case"},
      {"tags: [\"1.0\"]", "tags: [\"-bad\"]", "should match"},
      {"tags: [\"1.0\"]", "tags: []", "each image needs tags or a semver constraint"},
      {
        "auth: {method: secret, secretRef: {name: basic-registry}}",
        "auth: {method: secret}",
        "auth.secretRef is required"
      },
    };
    Path manifests = env.run.directory("admission");
    for (int i = 0; i < cases.length; i++) {
      String invalid = valid.replace(cases[i][0], cases[i][1]);
      assertNotEquals(valid, invalid, "case " + i + " changed nothing");
      Path file = manifests.resolve("case-" + i + ".yaml");
      Files.writeString(file, invalid);

      CommandResult result =
          env.controlPlane.kubectlResult("apply", "--dry-run=server", "-f", file.toString());

      assertNotEquals(0, result.exitCode(), "case " + i + " was accepted:\n" + invalid);
      assertTrue(result.stderr().contains(cases[i][2]), "case " + i + ": " + result.stderr());
    }
    Path good = manifests.resolve("valid.yaml");
    Files.writeString(good, valid);
    CommandResult accepted =
        env.controlPlane.kubectlResult("apply", "--dry-run=server", "-f", good.toString());
    assertEquals(0, accepted.exitCode(), accepted.stderr());
  }
}
