package io.portager.e2e;

import static io.portager.e2e.E2eEnvironment.condition;
import static io.portager.e2e.E2eEnvironment.readyIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.cloud.azure.FakeAzure;
import io.portager.registry.Credential;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryEndpoint;
import io.portager.sync.ImageCopier;
import io.portager.sync.TagResult;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.TokenServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Auth methods gar and acr end to end, with the operator's Google and Azure identities pointed at
 * loopback fakes. Artifact Registry is a distribution registry whose htpasswd user {@code
 * oauth2accesstoken} has the fake metadata server's access token as its password. ACR is a
 * distribution registry in token auth mode whose token server accepts the refresh tokens that the
 * fake ACR exchange issues. Both are reached under names that the test JVM's hosts file maps to
 * 127.0.0.1, and skopeo checks the copies on 127.0.0.1.
 */
class CloudMethodsE2EIT {
  private static final String GAR_NAME = "e2e-docker.pkg.dev";
  private static final String ACR_NAME = "portager.azurecr.io";
  private static final String REFRESH_USER = "acr-refresh-token";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static E2eEnvironment env;
  private static OciRegistry garRegistry;
  private static RegistryCredentials garCredentials;
  private static TokenServer acrTokenServer;
  private static OciRegistry acrRegistry;
  private static RegistryCredentials acrWriter;

  @BeforeAll
  static void start() throws Exception {
    // Without the hosts file these names would go to real DNS; stop before sending anything.
    assertEquals("127.0.0.1", InetAddress.getByName(GAR_NAME).getHostAddress());
    assertEquals("127.0.0.1", InetAddress.getByName(ACR_NAME).getHostAddress());
    env = E2eEnvironment.get();
    garCredentials = RegistryCredentials.of("oauth2accesstoken", "ya29.e2e-" + UUID.randomUUID());
    env.google.setFixedToken(garCredentials.password());
    garRegistry =
        OciRegistry.start(
            env.run,
            "gar-registry",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.htpasswd(Map.of(garCredentials.username(), garCredentials.password())));
    acrWriter = RegistryCredentials.of("acr-writer", "aw-" + UUID.randomUUID());
    acrTokenServer =
        TokenServer.start(
            env.run,
            "acr-token-server",
            Map.of(acrWriter.username(), acrWriter.password()),
            Duration.ofMinutes(5));
    acrTokenServer.setRealmHost(ACR_NAME);
    acrRegistry =
        OciRegistry.start(
            env.run,
            "acr-registry",
            OciRegistry.Implementation.DISTRIBUTION_2,
            RegistryAuth.token(acrTokenServer));
    env.azure.onRefreshToken(token -> acrTokenServer.acceptRefreshToken(token, REFRESH_USER));
  }

  @AfterAll
  static void stop() throws Exception {
    if (acrRegistry != null) {
      acrRegistry.close();
    }
    if (acrTokenServer != null) {
      acrTokenServer.close();
    }
    if (garRegistry != null) {
      garRegistry.close();
    }
  }

  private static String named(String name, OciRegistry registry) {
    return name + registry.host().substring(registry.host().indexOf(':'));
  }

  private static Fixtures.PushedImage pushToBasic(String repository, String seed) {
    Path layout = env.run.directory("layouts").resolve(repository.replace('/', '_') + "-" + seed);
    return Fixtures.push(
        env.skopeo,
        Fixtures.twoPlatformIndex(layout, "1.0", seed),
        env.basicRegistry.host(),
        repository,
        "1.0",
        env.basicCredentials);
  }

  @Test
  void pushesToArtifactRegistryWithMetadataToken() throws Exception {
    String ns = "gar-destination";
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "basic", env.basicRegistry.host(), env.basicCredentials);
    String digest = pushToBasic("gar-dst/app", "gar-dst").digest();

    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\n"
            + "kind: ImageSync\n"
            + "metadata: {name: to-gar, namespace: "
            + ns
            + "}\n"
            + "spec:\n"
            + "  schedule: \"@every 1h\"\n"
            + "  source: {registry: \""
            + env.basicRegistry.host()
            + "\", plainHTTP: true, auth: {method: secret, secretRef: {name: basic}}}\n"
            + "  destination:\n"
            + "    registry: \""
            + named(GAR_NAME, garRegistry)
            + "\"\n"
            + "    plainHTTP: true\n"
            + "    repositoryPrefix: project/mirror\n"
            + "    auth: {method: gar}\n"
            + "  images:\n"
            + "    - {name: gar-dst/app, tags: [\"1.0\"]}\n");
    JsonNode synced =
        env.awaitImageSync(ns, "to-gar", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    assertEquals("SyncSucceeded", condition(synced, "Ready").path("reason").asText());
    assertEquals(
        digest,
        env.skopeo.digest(garRegistry.host() + "/project/mirror/gar-dst/app:1.0", garCredentials));
    assertFalse(
        env.google
            .endpoint()
            .requests("/computeMetadata/v1/instance/service-accounts/default/token")
            .isEmpty());
  }

  @Test
  void pullsFromAcrWithExchangedRefreshToken() throws Exception {
    String ns = "acr-source";
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "basic", env.basicRegistry.host(), env.basicCredentials);
    Fixtures.PushedImage pushed = pushToBasic("acr-origin/app", "acr-src");
    String acrHost = named(ACR_NAME, acrRegistry);
    seedAcr(pushed, acrHost, "team/app");

    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\n"
            + "kind: ImageSync\n"
            + "metadata: {name: from-acr, namespace: "
            + ns
            + "}\n"
            + "spec:\n"
            + "  schedule: \"@every 1h\"\n"
            + "  source: {registry: \""
            + acrHost
            + "\", plainHTTP: true, auth: {method: acr}}\n"
            + "  destination:\n"
            + "    registry: \""
            + env.basicRegistry.host()
            + "\"\n"
            + "    plainHTTP: true\n"
            + "    repositoryPrefix: from-acr\n"
            + "    auth: {method: secret, secretRef: {name: basic}}\n"
            + "  images:\n"
            + "    - {name: team/app, tags: [\"1.0\"]}\n");
    JsonNode synced =
        env.awaitImageSync(ns, "from-acr", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    assertEquals("SyncSucceeded", condition(synced, "Ready").path("reason").asText());
    assertEquals(
        pushed.digest(),
        env.skopeo.digest(
            env.basicRegistry.host() + "/from-acr/team/app:1.0", env.basicCredentials));
    List<TokenServer.TokenRequest> refreshGrants =
        acrTokenServer.requests().stream().filter(r -> r.username().equals(REFRESH_USER)).toList();
    assertFalse(refreshGrants.isEmpty(), acrTokenServer.requests().toString());
    assertTrue(refreshGrants.stream().allMatch(r -> r.status() == 200), refreshGrants.toString());
    assertFalse(env.azure.endpoint().requests(FakeAzure.EXCHANGE_PATH).isEmpty());
  }

  /**
   * Copies the pushed image into the ACR registry with the token server's writer account. The Java
   * client does this because skopeo resolves names through the system resolver, which does not know
   * the ACR name that the token realm uses.
   */
  private static void seedAcr(Fixtures.PushedImage pushed, String acrHost, String repository) {
    RegistryClient from =
        new RegistryClient(new RegistryEndpoint(env.basicRegistry.host(), true, false));
    RegistryClient to = new RegistryClient(new RegistryEndpoint(acrHost, true, false));
    Credential basic =
        new Credential.Basic(env.basicCredentials.username(), env.basicCredentials.password());
    Credential writer = new Credential.Basic(acrWriter.username(), acrWriter.password());

    TagResult result =
        new ImageCopier()
            .sync(
                from.repository("acr-origin/app", basic), to.repository(repository, writer), "1.0");

    assertEquals(pushed.digest(), result.destinationDigest().toString(), result.toString());
  }

  @Test
  void garOnOtherRegistryIsInvalidSpec() throws Exception {
    String ns = "gar-wrong-host";
    env.createNamespace(ns);

    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\n"
            + "kind: ImageSync\n"
            + "metadata: {name: gar, namespace: "
            + ns
            + "}\n"
            + "spec:\n"
            + "  schedule: \"@every 1h\"\n"
            + "  source: {registry: \"docker.io\"}\n"
            + "  destination: {registry: \"registry.example.com/p\", auth: {method: gar}}\n"
            + "  images:\n"
            + "    - {name: library/alpine, tags: [\"3.21\"]}\n");
    JsonNode invalid =
        env.awaitImageSync(ns, "gar", TIMEOUT, "Ready=False", s -> readyIs(s, "False"));

    JsonNode ready = condition(invalid, "Ready");
    assertEquals("InvalidSpec", ready.path("reason").asText());
    assertTrue(ready.path("message").asText().contains("auth.method gar"), ready.toString());
  }

  @Test
  void rejectedGoogleTokenStaysOutOfLogEventsAndStatus() throws Exception {
    String ns = "gar-rejected";
    env.createNamespace(ns);
    // The copier reads the destination tag first, so the destination needs valid credentials for
    // the sync to reach the source and its rejection of the Google token.
    env.createDockerConfigSecret(ns, "basic", env.basicRegistry.host(), env.basicCredentials);
    RegistryCredentials other =
        RegistryCredentials.of("oauth2accesstoken", "other-" + UUID.randomUUID());
    try (OciRegistry rejecting =
        OciRegistry.start(
            env.run,
            "gar-rejecting-registry",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.htpasswd(Map.of(other.username(), other.password())))) {
      env.controlPlane.kubectlApply(
          "apiVersion: portager.portager.io/v1alpha1\n"
              + "kind: ImageSync\n"
              + "metadata: {name: rejected, namespace: "
              + ns
              + "}\n"
              + "spec:\n"
              + "  schedule: \"@every 1h\"\n"
              + "  source: {registry: \""
              + named(GAR_NAME, rejecting)
              + "\", plainHTTP: true, auth: {method: gar}}\n"
              + "  destination: {registry: \""
              + env.basicRegistry.host()
              + "\", plainHTTP: true, auth: {method: secret, secretRef: {name: basic}}}\n"
              + "  images:\n"
              + "    - {name: project/app, tags: [\"1.0\"]}\n");
      JsonNode failed =
          env.awaitImageSync(ns, "rejected", TIMEOUT, "Ready=False", s -> readyIs(s, "False"));

      String log = env.operatorLogText();
      String events = env.controlPlane.kubectl("get", "events", "-n", ns, "-o", "json");
      String status = failed.toString();
      assertTrue(log.contains("imagesync=" + ns + "/rejected"), "the operator log lacks the sync");
      assertTrue(log.contains("returned 401"), "the registry did not reject the Google token");
      assertTrue(status.contains("roles/artifactregistry.reader"), status);
      String token = garCredentials.password();
      List<String> forms =
          List.of(
              token,
              Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)),
              Base64.getEncoder()
                  .encodeToString(garCredentials.colonForm().getBytes(StandardCharsets.UTF_8)));
      for (String form : forms) {
        assertFalse(log.contains(form), "the operator log contains the Google token");
        assertFalse(events.contains(form), "an Event contains the Google token");
        assertFalse(status.contains(form), "the status contains the Google token");
      }
    }
  }
}
