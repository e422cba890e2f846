package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.FaultProxy;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.TokenServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the operator jar with a {@link FaultProxy} between it and kube-apiserver and another between
 * it and the source registry, then cuts, resets, stalls and refuses connections and responds to
 * requests with error statuses. The apiserver runs without its watch cache, so a watch that resumes
 * from a resourceVersion that etcd has compacted is answered 410 Gone by etcd itself.
 */
class FaultInjectionE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RegistryCredentials NONE = RegistryCredentials.anonymous();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static RunDirectory run;
  private static ControlPlane controlPlane;
  private static OciRegistry source;
  private static OciRegistry destination;
  private static FaultProxy apiProxy;
  private static FaultProxy registryProxy;
  private static OperatorProcess operator;
  private static final Map<String, String> digests = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    run = RunDirectory.create("faults");
    controlPlane = ControlPlane.start(run, List.of("--watch-cache=false"));
    controlPlane.installCrd();
    source =
        OciRegistry.start(
            run, "faults-source", OciRegistry.Implementation.DISTRIBUTION_3, RegistryAuth.none());
    destination =
        OciRegistry.start(
            run,
            "faults-destination",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.none());
    Skopeo skopeo = Skopeo.create(run);
    for (String tag : List.of("1", "2", "3")) {
      Path layout = run.directory("layouts").resolve("app-" + tag);
      digests.put(
          tag,
          Fixtures.push(
                  skopeo,
                  Fixtures.sharedBaseImage(layout, tag, "faults-" + tag),
                  source.host(),
                  "src/app",
                  tag,
                  NONE)
              .digest());
    }
    // Blobs that no other repository has, so the destination cannot mount them.
    Path resetLayout = run.directory("layouts").resolve("reset");
    digests.put(
        "reset",
        Fixtures.push(
                skopeo,
                Fixtures.sharedBaseImage(resetLayout, "1", "faults-reset"),
                source.host(),
                "src/reset",
                "1",
                NONE)
            .digest());
    apiProxy = FaultProxy.start(URI.create(controlPlane.apiServer().url()).getPort());
    registryProxy = FaultProxy.start(source.host());
    Path kubeconfig =
        controlPlane.kubeconfigThrough(apiProxy.host(), run.path().resolve("kubeconfig-proxied"));
    operator =
        OperatorProcess.start(
            kubeconfig, run.logFile("operator-faults"), List.of(), "--workers", "2");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable component :
        new AutoCloseable[] {
          operator, apiProxy, registryProxy, destination, source, controlPlane
        }) {
      try {
        if (component != null) {
          component.close();
        }
      } catch (Exception e) {
        System.err.println("faults: stopping " + component + " failed: " + e);
      }
    }
  }

  private static String imageSync(String name, String registry, String prefix, String tags) {
    return imageSync(name, registry, prefix, "src/app", tags);
  }

  private static String imageSync(
      String name, String registry, String prefix, String image, String tags) {
    return "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
        + "metadata: {name: "
        + name
        + ", namespace: default}\n"
        + "spec:\n  schedule: \"@every 1h\"\n"
        + "  source: {registry: \""
        + registry
        + "\", plainHTTP: true}\n"
        + "  destination: {registry: \""
        + destination.host()
        + "\", plainHTTP: true, repositoryPrefix: "
        + prefix
        + ", auth: {method: anonymous}}\n"
        + "  images: [{name: "
        + image
        + ", tags: "
        + tags
        + "}]\n";
  }

  private static JsonNode get(String name) {
    try {
      return JSON.readTree(controlPlane.kubectl("get", "imagesync", name, "-o", "json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode await(String name, String what, Duration timeout, Predicate<JsonNode> ok)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get(name);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        name
            + " did not reach \""
            + what
            + "\" within "
            + timeout
            + "; status: "
            + last.path("status").toPrettyString()
            + "\noperator log: "
            + operator.log());
  }

  private static boolean readyAtGeneration(JsonNode object, String status) {
    long generation = object.path("metadata").path("generation").asLong();
    return E2eEnvironment.readyIs(object, status)
        && object.path("status").path("observedGeneration").asLong() == generation;
  }

  private static String destinationDigest(String reference) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + destination.host()
                        + "/v2/"
                        + reference.replace(":", "/manifests/")))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .header(
                "Accept",
                "application/vnd.oci.image.manifest.v1+json,"
                    + " application/vnd.docker.distribution.manifest.v2+json")
            .build();
    HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
    return response.headers().firstValue("Docker-Content-Digest").orElse("none");
  }

  /** Resets every connection through {@code proxy} every {@code period}, until stopped. */
  private static final class Cutter implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger cuts = new AtomicInteger();
    private final Thread thread;

    Cutter(FaultProxy proxy, Duration period) {
      thread =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    Thread.sleep(period.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                  cuts.addAndGet(proxy.cutAll());
                }
              },
              "cutter");
      thread.setDaemon(true);
      thread.start();
    }

    int cuts() {
      return cuts.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(5_000);
    }
  }

  @Test
  void convergesAcrossCutConnectionsAndExpiredWatch() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      names.add("watch-" + i);
    }
    int cuts;
    try (Cutter cutter = new Cutter(apiProxy, Duration.ofMillis(700))) {
      for (String name : names) {
        controlPlane.kubectlApply(imageSync(name, source.host(), name, "[\"1\"]"));
      }
      for (String name : names) {
        controlPlane.kubectlApply(imageSync(name, source.host(), name, "[\"1\", \"2\"]"));
      }
      Thread.sleep(5_000);
      cuts = cutter.cuts();
    }
    for (String name : names) {
      await(
          name, "Ready at generation 2", Duration.ofSeconds(90), o -> readyAtGeneration(o, "True"));
    }

    // Hold the operator's watch while the objects change, compact etcd past the watch's
    // resourceVersion, then cut: the watch resumes from a compacted resourceVersion.
    apiProxy.setMode(FaultProxy.Mode.STALL);
    for (String name : names) {
      controlPlane.kubectlApply(imageSync(name, source.host(), name, "[\"1\", \"2\", \"3\"]"));
    }
    long revision = EtcdApi.compactToCurrentRevision(controlPlane.etcd().clientUrl());
    apiProxy.cutAll();
    apiProxy.heal();
    operator.awaitLog("event=watch_expired", Duration.ofSeconds(60));

    for (String name : names) {
      await(
          name, "Ready at generation 3", Duration.ofSeconds(90), o -> readyAtGeneration(o, "True"));
      for (String tag : List.of("1", "2", "3")) {
        assertEquals(
            digests.get(tag), destinationDigest(name + "/src/app:" + tag), name + ":" + tag);
      }
    }
    String log = operator.logText();
    assertTrue(cuts >= 5, "the proxy cut only " + cuts + " connections");
    assertTrue(revision > 0);
    assertTrue(SyncRunLog.count(log, "informer_listed") >= 2, "no relist after 410");
    assertEquals(List.of(), SyncRunLog.overlaps(log), "syncs of one ImageSync overlapped");
  }

  /** A fault of the source registry, applied to the proxy and undone by {@link FaultProxy#heal}. */
  private record RegistryFault(
      String name, String image, java.util.function.Consumer<FaultProxy> apply) {}

  @Test
  void registryFaultsFailTagThenNextRunSucceeds() throws Exception {
    List<RegistryFault> faults =
        List.of(
            new RegistryFault("status-500", "src/app", p -> p.respondWithStatus(500, null)),
            new RegistryFault("status-503", "src/app", p -> p.respondWithStatus(503, null)),
            new RegistryFault("status-429", "src/app", p -> p.respondWithStatus(429, "1")),
            new RegistryFault(
                "reset-mid-blob",
                "src/reset",
                p -> {
                  p.resetAfter(1500);
                  p.cutAll();
                }),
            new RegistryFault(
                "refused",
                "src/app",
                p -> {
                  p.setMode(FaultProxy.Mode.REFUSE);
                  p.cutAll();
                }));
    for (RegistryFault fault : faults) {
      String name = "registry-" + fault.name();
      int answersBefore = registryProxy.injectedResponseCount();
      int resetsBefore = registryProxy.resetCount();
      fault.apply().accept(registryProxy);
      Instant started = Instant.now();
      controlPlane.kubectlApply(
          imageSync(name, registryProxy.host(), name, fault.image(), "[\"1\"]"));

      JsonNode failed =
          await(name, "Ready False", Duration.ofSeconds(120), o -> readyAtGeneration(o, "False"));
      Duration toFailure = Duration.between(started, Instant.now());
      int injected =
          registryProxy.injectedResponseCount()
              - answersBefore
              + registryProxy.resetCount()
              - resetsBefore;
      registryProxy.heal();
      JsonNode tag = failed.path("status").path("images").path(0).path("tags").path(0);
      assertTrue(!tag.path("error").asText().isEmpty(), name + ": no per-tag error: " + failed);
      assertTrue(injected >= 2, name + ": the operator did not retry: " + injected);
      assertTrue(injected <= 40, name + ": retries were not bounded: " + injected);
      JsonNode events = events(name);
      assertTrue(events.toString().contains("SyncFailed"), name + ": no SyncFailed Event");
      System.out.printf(
          "fault %s: Ready False after %d ms, %d faults injected, error: %s%n",
          fault.name(), toFailure.toMillis(), injected, tag.path("error").asText());

      await(
          name,
          "Ready True after the fault",
          Duration.ofSeconds(60),
          o -> readyAtGeneration(o, "True"));
      String digest = digests.get(fault.image().equals("src/reset") ? "reset" : "1");
      assertEquals(digest, destinationDigest(name + "/" + fault.image() + ":1"), name);
    }
  }

  @Test
  void stalledRegistryResumesAfterStall() throws Exception {
    registryProxy.setMode(FaultProxy.Mode.STALL);
    controlPlane.kubectlApply(
        imageSync("registry-stall", registryProxy.host(), "stall", "[\"2\"]"));
    Thread.sleep(4_000);
    assertTrue(!readyAtGeneration(get("registry-stall"), "True"), "synced through a stall");

    registryProxy.heal();

    await(
        "registry-stall", "Ready True", Duration.ofSeconds(90), o -> readyAtGeneration(o, "True"));
    assertEquals(digests.get("2"), destinationDigest("stall/src/app:2"));
  }

  @Test
  void tokenServerDownFailsTagThenNextRunSucceeds() throws Exception {
    RegistryCredentials user = RegistryCredentials.of("token-user", "tk-" + System.nanoTime());
    try (TokenServer tokenServer =
            TokenServer.start(
                run,
                "faults-token-server",
                Map.of(user.username(), user.password()),
                Duration.ofMinutes(5));
        OciRegistry tokenRegistry =
            OciRegistry.start(
                run,
                "faults-token-registry",
                OciRegistry.Implementation.DISTRIBUTION_2,
                RegistryAuth.token(tokenServer))) {
      String digest =
          Fixtures.push(
                  Skopeo.create(run),
                  Fixtures.sharedBaseImage(
                      run.directory("layouts").resolve("token"), "1", "faults-token"),
                  tokenRegistry.host(),
                  "src/private",
                  "1",
                  user)
              .digest();
      createDockerConfigSecret("token-pull", tokenRegistry.host(), user);
      tokenServer.stop();
      controlPlane.kubectlApply(
          "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
              + "metadata: {name: token-down, namespace: default}\n"
              + "spec:\n  schedule: \"@every 1h\"\n"
              + "  source: {registry: \""
              + tokenRegistry.host()
              + "\", plainHTTP: true, authSecretRef: {name: token-pull}}\n"
              + "  destination: {registry: \""
              + destination.host()
              + "\", plainHTTP: true, repositoryPrefix: token-down,"
              + " auth: {method: anonymous}}\n"
              + "  images: [{name: src/private, tags: [\"1\"]}]\n");

      JsonNode failed =
          await(
              "token-down",
              "Ready False",
              Duration.ofSeconds(120),
              o -> readyAtGeneration(o, "False"));
      tokenServer.restart();
      String error =
          failed.path("status").path("images").path(0).path("tags").path(0).path("error").asText();
      assertTrue(error.contains("token"), "the tag error does not name the token: " + error);
      assertTrue(!error.contains(user.password()), error);
      assertTrue(events("token-down").toString().contains("SyncFailed"), "no SyncFailed Event");
      System.out.printf("fault token-server-down: error: %s%n", error);

      await(
          "token-down",
          "Ready True after the token server is back",
          Duration.ofSeconds(60),
          o -> readyAtGeneration(o, "True"));
      assertEquals(digest, destinationDigest("token-down/src/private:1"));
    }
  }

  /** Creates a kubernetes.io/dockerconfigjson Secret in default through kubectl's stdin. */
  private static void createDockerConfigSecret(
      String name, String registryHost, RegistryCredentials credentials) {
    String auth =
        java.util.Base64.getEncoder()
            .encodeToString(
                credentials.colonForm().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String config = "{\"auths\":{\"" + registryHost + "\":{\"auth\":\"" + auth + "\"}}}";
    controlPlane.kubectlApply(
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"kubernetes.io/dockerconfigjson\","
            + "\"metadata\":{\"name\":\""
            + name
            + "\",\"namespace\":\"default\"},\"data\":{\".dockerconfigjson\":\""
            + java.util.Base64.getEncoder()
                .encodeToString(config.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "\"}}");
  }

  private static JsonNode events(String name) throws IOException {
    return JSON.readTree(
            controlPlane.kubectl(
                "get",
                "events",
                "--field-selector",
                "involvedObject.kind=ImageSync,involvedObject.name=" + name,
                "-o",
                "json"))
        .path("items");
  }
}
