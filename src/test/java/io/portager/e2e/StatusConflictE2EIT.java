package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.imagesync.ImageSyncOperator;
import io.portager.kube.ApiResource;
import io.portager.kube.HttpKubeClient;
import io.portager.kube.KubeClient;
import io.portager.kube.KubeConfig;
import io.portager.kube.KubeEventRecorder;
import io.portager.kube.ListResult;
import io.portager.kube.WatchStream;
import io.portager.registry.Registries;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Lets another writer change an ImageSync's labels, annotations and status on the real apiserver
 * between the operator's read and its status write. The apiserver rejects the write with 409
 * Conflict, so the operator must re-read and re-apply its change, and the other writer's fields
 * must survive.
 */
class StatusConflictE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int INTERFERENCES = 3;

  /** Delegates to a real client; runs {@code interfere} after the first status mutations. */
  private static final class InterferingKubeClient implements KubeClient {
    private final KubeClient delegate;
    private final Runnable interfere;
    private final AtomicInteger mutations = new AtomicInteger();
    private final AtomicInteger interferences = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();

    InterferingKubeClient(KubeClient delegate, Runnable interfere) {
      this.delegate = delegate;
      this.interfere = interfere;
    }

    @Override
    public Optional<ObjectNode> updateStatusWithRetry(
        ApiResource resource, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
      return updateStatusWithRetry(resource, namespace, name, null, mutate);
    }

    @Override
    public Optional<ObjectNode> updateStatusWithRetry(
        ApiResource resource,
        String namespace,
        String name,
        ObjectNode known,
        UnaryOperator<ObjectNode> mutate) {
      Optional<ObjectNode> written =
          delegate.updateStatusWithRetry(
              resource,
              namespace,
              name,
              known,
              fresh -> {
                mutations.incrementAndGet();
                ObjectNode changed = mutate.apply(fresh);
                if (interferences.get() < INTERFERENCES) {
                  interferences.incrementAndGet();
                  interfere.run();
                }
                return changed;
              });
      writes.incrementAndGet();
      return written;
    }

    @Override
    public Optional<ObjectNode> get(ApiResource resource, String namespace, String name) {
      return delegate.get(resource, namespace, name);
    }

    @Override
    public ObjectNode list(
        ApiResource resource, String namespace, String resourceVersion, String continueToken) {
      return delegate.list(resource, namespace, resourceVersion, continueToken);
    }

    @Override
    public ListResult listAll(ApiResource resource, String namespace) {
      return delegate.listAll(resource, namespace);
    }

    @Override
    public WatchStream watch(
        ApiResource resource, String namespace, String resourceVersion, int timeoutSeconds) {
      return delegate.watch(resource, namespace, resourceVersion, timeoutSeconds);
    }

    @Override
    public ObjectNode create(ApiResource resource, String namespace, ObjectNode object) {
      return delegate.create(resource, namespace, object);
    }

    @Override
    public ObjectNode update(ApiResource resource, String namespace, ObjectNode object) {
      return delegate.update(resource, namespace, object);
    }

    @Override
    public ObjectNode updateStatus(ApiResource resource, String namespace, ObjectNode object) {
      return delegate.updateStatus(resource, namespace, object);
    }

    @Override
    public ObjectNode patch(
        ApiResource resource, String namespace, String name, PatchType type, String body) {
      return delegate.patch(resource, namespace, name, type, body);
    }
  }

  @Test
  void statusWriteRetriesOnConflictAndKeepsOtherWritersFields() throws Exception {
    RunDirectory run = RunDirectory.create("conflict");
    try (ControlPlane controlPlane = ControlPlane.start(run);
        OciRegistry registry =
            OciRegistry.start(
                run,
                "conflict-registry",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none())) {
      controlPlane.installCrd();
      String digest =
          Fixtures.push(
                  Skopeo.create(run),
                  Fixtures.sharedBaseImage(run.directory("layouts").resolve("c"), "1", "conflict"),
                  registry.host(),
                  "src/app",
                  "1",
                  RegistryCredentials.anonymous())
              .digest();
      AtomicInteger round = new AtomicInteger();
      Runnable otherWriter = () -> writeAsOtherWriter(controlPlane, round.incrementAndGet());
      HttpKubeClient real =
          new HttpKubeClient(KubeConfig.load(controlPlane.kubeconfig().toString()));
      InterferingKubeClient kube = new InterferingKubeClient(real, otherWriter);

      try (ImageSyncOperator operator =
          new ImageSyncOperator(
              kube,
              new KubeEventRecorder(real, Clock.systemUTC(), "conflict"),
              new Registries(Clock.systemUTC()),
              new ImageSyncOperator.Settings(java.util.List.of(), 1, 2, false, null),
              Clock.systemUTC())) {
        operator.start();
        controlPlane.kubectlApply(
            "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
                + "metadata: {name: contested, namespace: default}\n"
                + "spec:\n  schedule: \"@every 1h\"\n"
                + "  source: {registry: \""
                + registry.host()
                + "\", plainHTTP: true}\n"
                + "  destination: {registry: \""
                + registry.host()
                + "\", plainHTTP: true, repositoryPrefix: copy, auth: {method: anonymous}}\n"
                + "  images: [{name: src/app, tags: [\"1\"]}]\n");

        JsonNode object = awaitReady(controlPlane);

        assertEquals(INTERFERENCES, kube.interferences.get());
        assertTrue(
            kube.mutations.get() >= kube.writes.get() + INTERFERENCES,
            "status writes were not re-read after a conflict: "
                + kube.mutations.get()
                + " mutations for "
                + kube.writes.get()
                + " writes");
        JsonNode metadata = object.path("metadata");
        assertEquals(
            "round-" + INTERFERENCES, metadata.path("labels").path("other-writer").asText());
        assertEquals(
            "round-" + INTERFERENCES,
            metadata.path("annotations").path("example.com/other-writer").asText());
        JsonNode external = E2eEnvironment.condition(object, "ExternalCheck");
        assertEquals("True", external.path("status").asText(), object.path("status").toString());
        assertEquals("round-" + INTERFERENCES, external.path("message").asText());
        JsonNode tag = object.path("status").path("images").path(0).path("tags").path(0);
        assertEquals(digest, tag.path("sourceDigest").asText());
      }
    }
  }

  /** Changes a label, an annotation and a status condition the operator does not own. */
  private static void writeAsOtherWriter(ControlPlane controlPlane, int round) {
    String value = "round-" + round;
    controlPlane.kubectl("label", "imagesync", "contested", "other-writer=" + value, "--overwrite");
    controlPlane.kubectl(
        "annotate", "imagesync", "contested", "example.com/other-writer=" + value, "--overwrite");
    try {
      JsonNode current =
          JSON.readTree(controlPlane.kubectl("get", "imagesync", "contested", "-o", "json"));
      ObjectNode patch = JSON.createObjectNode();
      var conditions = patch.putObject("status").putArray("conditions");
      for (JsonNode condition : current.path("status").path("conditions")) {
        if (!condition.path("type").asText().equals("ExternalCheck")) {
          conditions.add(condition);
        }
      }
      conditions
          .addObject()
          .put("type", "ExternalCheck")
          .put("status", "True")
          .put("reason", "CheckedByOtherWriter")
          .put("message", value)
          .put("lastTransitionTime", Instant.now().toString().replaceAll("\\.\\d+Z$", "Z"));
      controlPlane.kubectl(
          "patch",
          "imagesync",
          "contested",
          "--subresource=status",
          "--type=merge",
          "-p",
          patch.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode awaitReady(ControlPlane controlPlane) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = JSON.readTree(controlPlane.kubectl("get", "imagesync", "contested", "-o", "json"));
      if (E2eEnvironment.readyIs(last, "True")) {
        return last;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("contested did not become Ready: " + last.path("status"));
  }
}
