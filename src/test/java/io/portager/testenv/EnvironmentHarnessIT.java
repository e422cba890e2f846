package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the harness itself against the real components: etcd, kube-apiserver, distribution 2.8 and
 * 3.1 registries in token and htpasswd mode, skopeo and crane.
 */
// Named without a leading "Test" because surefire's default includes match Test*.java, which
// would run this suite in the unit test phase as well as under failsafe.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentHarnessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "portager";
  private static final String PASSWORD = "it-" + Long.toHexString(System.nanoTime());
  private static final RegistryCredentials CREDENTIALS = RegistryCredentials.of(USER, PASSWORD);

  private RunDirectory run;
  private ControlPlane controlPlane;
  private TokenServer tokenServer;
  private final List<OciRegistry> registries = new ArrayList<>();
  private OciRegistry tokenRegistry2;
  private OciRegistry htpasswdRegistry3;
  private Skopeo skopeo;
  private Crane crane;
  private FixtureImage index;
  private FixtureImage tool;
  private FixtureImage docker;
  private Fixtures.PushedImage pushedIndex;
  private final StringBuilder timings = new StringBuilder();

  @BeforeAll
  void startEnvironment() {
    run = RunDirectory.create("it");
    controlPlane = ControlPlane.start(run);
    time("etcd", controlPlane.etcd().lastStartDuration());
    time("kube-apiserver", controlPlane.apiServer().lastStartDuration());

    long started = System.nanoTime();
    tokenServer =
        TokenServer.start(run, "token-server", Map.of(USER, PASSWORD), Duration.ofMinutes(5));
    time("token-server", Duration.ofNanos(System.nanoTime() - started));

    tokenRegistry2 =
        startRegistry(
            "token-2", OciRegistry.Implementation.DISTRIBUTION_2, RegistryAuth.token(tokenServer));
    htpasswdRegistry3 =
        startRegistry(
            "htpasswd-3",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.htpasswd(Map.of(USER, PASSWORD)));
    startRegistry(
        "token-3", OciRegistry.Implementation.DISTRIBUTION_3, RegistryAuth.token(tokenServer));
    startRegistry(
        "htpasswd-2",
        OciRegistry.Implementation.DISTRIBUTION_2,
        RegistryAuth.htpasswd(Map.of(USER, PASSWORD)));

    skopeo = Skopeo.create(run);
    crane = Crane.create(run);
    index = Fixtures.twoPlatformIndex(run.directory("fixtures/index"), "1.0", "one");
    tool = Fixtures.sharedBaseImage(run.directory("fixtures/tool"), "2.0", "one");
    docker = Fixtures.dockerSchema2Image(run.directory("fixtures/docker"), "3.0", "one");
    pushedIndex =
        Fixtures.push(skopeo, index, tokenRegistry2.host(), "demo/app", "1.0", CREDENTIALS);
  }

  @AfterAll
  void stopEnvironment() {
    System.out.println("start-up times: " + timings);
    for (OciRegistry registry : registries) {
      registry.close();
    }
    if (tokenServer != null) {
      tokenServer.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void kubectlGetsDefaultNamespace() {
    String name =
        controlPlane.kubectl("get", "namespace", "default", "-o", "jsonpath={.metadata.name}");

    assertEquals("default", name);
  }

  @Test
  void apiServerKeepsObjectsAcrossRestarts() {
    controlPlane.kubectl("create", "configmap", "restart-check", "--from-literal=key=value");

    controlPlane.etcd().restart();
    time("etcd restart", controlPlane.etcd().lastStartDuration());
    String afterEtcd =
        awaitKubectl("get", "configmap", "restart-check", "-o", "jsonpath={.data.key}");
    controlPlane.apiServer().restart();
    time("kube-apiserver restart", controlPlane.apiServer().lastStartDuration());
    String afterApiServer =
        controlPlane.kubectl("get", "configmap", "restart-check", "-o", "jsonpath={.data.key}");

    assertEquals("value", afterEtcd);
    assertEquals("value", afterApiServer);
  }

  @Test
  void kubectlApplyCreatesObject() {
    String yaml =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\n"
            + "data:\n  key: applied-value\n";

    String output = controlPlane.kubectlApply(yaml);

    assertTrue(output.contains("configmap/applied"), output);
    assertEquals(
        "applied-value",
        controlPlane.kubectl("get", "configmap", "applied", "-o", "jsonpath={.data.key}"));
  }

  /**
   * Returns the four registries. The parameterized tests set autoCloseArguments to false, because
   * JUnit otherwise closes AutoCloseable arguments, which would stop the shared registries.
   */
  Stream<OciRegistry> registries() {
    return registries.stream();
  }

  /** Returns the registries in htpasswd mode, the only ones crane can read here. */
  Stream<OciRegistry> htpasswdRegistries() {
    return registries.stream().filter(registry -> registry.auth() instanceof RegistryAuth.Htpasswd);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("registries")
  void registryRejectsAnonymousPush(OciRegistry registry) {
    String destination = "docker://" + registry.host() + "/anonymous/push:1";

    CommandFailedException failure =
        assertThrows(
            CommandFailedException.class,
            () ->
                skopeo.copy(
                    tool.ociReference(),
                    RegistryCredentials.anonymous(),
                    destination,
                    RegistryCredentials.anonymous()));

    assertTrue(
        failure.getMessage().contains("unauthorized") || failure.getMessage().contains("401"),
        failure.getMessage());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("registries")
  void registryRejectsWrongPassword(OciRegistry registry) {
    String destination = "docker://" + registry.host() + "/wrong/password:1";
    RegistryCredentials wrong = RegistryCredentials.of(USER, "wrong-" + PASSWORD);

    CommandFailedException failure =
        assertThrows(
            CommandFailedException.class,
            () ->
                skopeo.copy(
                    tool.ociReference(), RegistryCredentials.anonymous(), destination, wrong));

    assertFalse(failure.getMessage().contains(wrong.password()), "message shows the password");
    assertTrue(failure.getMessage().contains("***"), failure.getMessage());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("registries")
  void registryAcceptsAuthenticatedPush(OciRegistry registry) {
    Fixtures.PushedImage pushed =
        Fixtures.push(skopeo, tool, registry.host(), "demo/tool", "2.0", CREDENTIALS);

    assertEquals(tool.digest(), pushed.digest());
    assertEquals(List.of("2.0"), skopeo.listTags(registry.host() + "/demo/tool", CREDENTIALS));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("htpasswdRegistries")
  void skopeoAndCraneAgreeOnDigests(OciRegistry registry) {
    List<Fixtures.PushedImage> pushed =
        List.of(
            Fixtures.push(skopeo, index, registry.host(), "agree/app", "1.0", CREDENTIALS),
            Fixtures.push(skopeo, tool, registry.host(), "agree/tool", "2.0", CREDENTIALS),
            Fixtures.push(skopeo, docker, registry.host(), "agree/docker", "3.0", CREDENTIALS));

    for (Fixtures.PushedImage image : pushed) {
      assertEquals(image.digest(), crane.digest(image.reference(), CREDENTIALS), image.reference());
      assertEquals(
          image.digest(),
          Skopeo.sha256(crane.rawManifest(image.reference(), CREDENTIALS)),
          image.reference());
    }
    assertEquals(index.digest(), pushed.get(0).digest());
    assertEquals(List.of("1.0"), crane.listTags(registry.host() + "/agree/app", CREDENTIALS));
  }

  @Test
  void craneRejectsLoopbackTokenRealm() {
    CommandFailedException failure =
        assertThrows(
            CommandFailedException.class, () -> crane.digest(pushedIndex.reference(), CREDENTIALS));

    assertTrue(failure.getMessage().contains("private or link-local"), failure.getMessage());
  }

  @Test
  void indexHasTwoPlatforms() throws IOException {
    JsonNode document = JSON.readTree(skopeo.rawManifest(pushedIndex.reference(), CREDENTIALS));

    List<String> platforms = new ArrayList<>();
    for (JsonNode entry : document.path("manifests")) {
      platforms.add(
          entry.path("platform").path("os").asText()
              + "/"
              + entry.path("platform").path("architecture").asText());
    }

    assertEquals(OciLayoutWriter.INDEX, document.path("mediaType").asText());
    assertEquals(List.of("linux/amd64", "linux/arm64"), platforms);
  }

  @Test
  void dockerFixtureIsSchema2() throws IOException {
    Fixtures.PushedImage pushed =
        Fixtures.push(skopeo, docker, tokenRegistry2.host(), "demo/docker", "3.0", CREDENTIALS);

    JsonNode manifest = JSON.readTree(skopeo.rawManifest(pushed.reference(), CREDENTIALS));

    assertEquals(
        "application/vnd.docker.distribution.manifest.v2+json",
        manifest.path("mediaType").asText());
    assertEquals(
        "application/vnd.docker.container.image.v1+json",
        manifest.path("config").path("mediaType").asText());
    assertNotEquals(docker.digest(), pushed.digest());
  }

  @Test
  void pulledConfigDiffIdsMatchLayers() throws IOException {
    Path layout = run.directory("pulled/index");

    skopeo.copy(
        "docker://" + pushedIndex.reference(),
        CREDENTIALS,
        "oci:" + layout + ":pulled",
        RegistryCredentials.anonymous(),
        "--all");

    JsonNode pulledIndex = JSON.readTree(blob(layout, pushedIndex.digest()));
    assertEquals(2, pulledIndex.path("manifests").size());
    for (JsonNode entry : pulledIndex.path("manifests")) {
      JsonNode manifest = JSON.readTree(blob(layout, entry.path("digest").asText()));
      JsonNode config =
          JSON.readTree(blob(layout, manifest.path("config").path("digest").asText()));
      List<String> uncompressed = new ArrayList<>();
      for (JsonNode layer : manifest.path("layers")) {
        uncompressed.add(Skopeo.sha256(gunzip(blob(layout, layer.path("digest").asText()))));
      }
      List<String> diffIds = new ArrayList<>();
      config.path("rootfs").path("diff_ids").forEach(id -> diffIds.add(id.asText()));

      assertEquals(
          entry.path("platform").path("architecture").asText(),
          config.path("architecture").asText());
      assertEquals(uncompressed, diffIds);
    }
  }

  @Test
  void retaggingMovesTagToNewDigest() {
    FixtureImage next =
        Fixtures.twoPlatformIndex(run.directory("fixtures/index-two"), "1.0", "two");

    Fixtures.PushedImage first =
        Fixtures.push(skopeo, index, htpasswdRegistry3.host(), "move/app", "1.0", CREDENTIALS);
    Fixtures.PushedImage second =
        Fixtures.push(skopeo, next, htpasswdRegistry3.host(), "move/app", "1.0", CREDENTIALS);

    assertNotEquals(first.digest(), second.digest());
    assertEquals(second.digest(), crane.digest(first.reference(), CREDENTIALS));
  }

  @Test
  void registryRestartKeepsContent() {
    Fixtures.PushedImage pushed =
        Fixtures.push(skopeo, tool, htpasswdRegistry3.host(), "restart/tool", "2.0", CREDENTIALS);
    String host = htpasswdRegistry3.host();

    htpasswdRegistry3.restart();
    time("registry restart", htpasswdRegistry3.lastStartDuration());

    assertEquals(host, htpasswdRegistry3.host());
    assertEquals(pushed.digest(), skopeo.digest(pushed.reference(), CREDENTIALS));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("registries")
  void accessLogShowsPushWrites(OciRegistry registry) {
    OciRegistry.AccessLogMark beforePush = registry.markAccessLog();
    Fixtures.push(skopeo, tool, registry.host(), "logged/tool", "2.0", CREDENTIALS);
    List<AccessLogEntry> push = registry.accessLogSince(beforePush);

    OciRegistry.AccessLogMark beforePull = registry.markAccessLog();
    skopeo.rawManifest(registry.host() + "/logged/tool:2.0", CREDENTIALS);
    skopeo.listTags(registry.host() + "/logged/tool", CREDENTIALS);
    List<AccessLogEntry> pull = registry.accessLogSince(beforePull);

    assertTrue(
        push.contains(new AccessLogEntry("PUT", "/v2/logged/tool/manifests/2.0", "", 201)),
        push.toString());
    assertTrue(
        push.stream()
            .anyMatch(
                e ->
                    e.method().equals("PUT")
                        && e.path().startsWith("/v2/logged/tool/blobs/uploads/")
                        && e.status() == 201),
        push.toString());
    assertTrue(
        push.stream().anyMatch(e -> e.method().equals("POST") && e.status() == 202),
        push.toString());
    assertFalse(pull.isEmpty());
    assertTrue(pull.stream().noneMatch(AccessLogEntry::isWrite), pull.toString());
  }

  @Test
  void tokenServerCountsRequests() {
    int before = tokenServer.requestCount();

    skopeo.rawManifest(pushedIndex.reference(), CREDENTIALS);

    assertTrue(tokenServer.requestCount() > before);
    TokenServer.TokenRequest last = tokenServer.requests().get(tokenServer.requestCount() - 1);
    assertEquals(USER, last.username());
    assertEquals("token-2", last.service());
    assertEquals(200, last.status());
  }

  @Test
  void tokenServerIssuesScopedJwt() throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = tokenRequest("Basic " + basic, "repository:demo/app:pull,push");
    JsonNode body = JSON.readTree(response.body());
    String[] parts = body.path("token").asText().split("\\.");
    JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    long now = Instant.now().getEpochSecond();

    assertEquals(200, response.statusCode());
    assertEquals(body.path("token").asText(), body.path("access_token").asText());
    assertEquals(300, body.path("expires_in").asLong());
    assertEquals("RS256", header.path("alg").asText());
    assertEquals(1, header.path("x5c").size());
    assertEquals(tokenServer.issuer(), claims.path("iss").asText());
    assertEquals(USER, claims.path("sub").asText());
    assertEquals("token-2", claims.path("aud").asText());
    assertTrue(claims.path("exp").asLong() > now);
    assertTrue(claims.path("nbf").asLong() <= now);
    assertFalse(claims.path("jti").asText().isEmpty());
    assertEquals("demo/app", claims.path("access").get(0).path("name").asText());
    assertEquals("[\"pull\",\"push\"]", claims.path("access").get(0).path("actions").toString());
  }

  @Test
  void tokenServerGivesAnonymousNoAccess() throws Exception {
    HttpResponse<String> response = tokenRequest(null, "repository:demo/app:pull");
    String token = JSON.readTree(response.body()).path("token").asText();
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));

    assertEquals(200, response.statusCode());
    assertEquals(0, claims.path("access").size());
    assertThrows(
        CommandFailedException.class,
        () -> skopeo.rawManifest(pushedIndex.reference(), RegistryCredentials.anonymous()));
  }

  @Test
  void tokenServerRejectsWrongPassword() throws Exception {
    String basic =
        Base64.getEncoder().encodeToString((USER + ":nope").getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> response = tokenRequest("Basic " + basic, "repository:demo/app:pull");

    assertEquals(401, response.statusCode());
    assertEquals(401, tokenServer.requests().get(tokenServer.requestCount() - 1).status());
  }

  private HttpResponse<String> tokenRequest(String authorization, String scope) throws Exception {
    URI uri = URI.create(tokenServer.realm() + "?service=token-2&scope=" + scope);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private OciRegistry startRegistry(
      String name, OciRegistry.Implementation implementation, RegistryAuth auth) {
    OciRegistry registry = OciRegistry.start(run, name, implementation, auth);
    registries.add(registry);
    time(name, registry.lastStartDuration());
    return registry;
  }

  /** Retries kubectl while the apiserver reconnects to a restarted etcd. */
  private String awaitKubectl(String... arguments) {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      CommandResult result = controlPlane.kubectlResult(arguments);
      if (result.succeeded()) {
        return result.stdout();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "kubectl " + String.join(" ", arguments) + " kept failing: " + result.outputTail(500));
      }
      ChildProcess.sleep(Duration.ofMillis(250));
    }
  }

  private void time(String component, Duration duration) {
    timings.append(component).append('=').append(duration.toMillis()).append("ms ");
  }

  private static byte[] blob(Path layout, String digest) throws IOException {
    return Files.readAllBytes(
        layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length())));
  }

  private static byte[] gunzip(byte[] compressed) throws IOException {
    try (InputStream input = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      return input.readAllBytes();
    }
  }
}
