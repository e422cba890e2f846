package io.portager.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.imagesync.ImageSyncs;
import io.portager.kube.HttpKubeClient;
import io.portager.kube.KubeClient;
import io.portager.kube.KubeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drives the operator jar through the Kubernetes API: creates ImageSyncs, sets the sync-now
 * annotation and polls the status until the run it triggered is written.
 */
final class PortagerDriver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMESPACE = "default";
  private static final Duration POLL = Duration.ofMillis(20);

  private final HttpKubeClient kube;

  PortagerDriver(Path kubeconfig) {
    this.kube = new HttpKubeClient(KubeConfig.fromKubeconfig(kubeconfig));
  }

  /** Builds an ImageSync of {@code images} from {@code sourceHost} to {@code destinationHost}. */
  static ObjectNode imageSync(
      String name,
      String sourceHost,
      Map<String, List<String>> images,
      String destinationHost,
      String prefix) {
    ObjectNode object = JSON.createObjectNode();
    object.put("apiVersion", ImageSyncs.GROUP + "/v1alpha1");
    object.put("kind", "ImageSync");
    object.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
    ObjectNode spec = object.putObject("spec");
    spec.put("schedule", "@every 24h");
    spec.putObject("source").put("registry", sourceHost).put("plainHTTP", true);
    ObjectNode destination = spec.putObject("destination");
    destination.put("registry", destinationHost).put("repositoryPrefix", prefix);
    destination.put("plainHTTP", true);
    destination.putObject("auth").put("method", "anonymous");
    ArrayNode list = spec.putArray("images");
    images.forEach(
        (repository, tags) -> {
          ObjectNode image = list.addObject().put("name", repository);
          tags.forEach(image.putArray("tags")::add);
        });
    return object;
  }

  /** Creates the ImageSync and returns its generation. */
  long create(ObjectNode object) {
    return kube.create(ImageSyncs.RESOURCE, NAMESPACE, object)
        .path("metadata")
        .path("generation")
        .asLong();
  }

  /** Deletes the ImageSync if it exists and waits until it is gone. */
  void delete(String name) throws InterruptedException {
    kube.delete(ImageSyncs.RESOURCE, NAMESPACE, name);
    while (kube.get(ImageSyncs.RESOURCE, NAMESPACE, name).isPresent()) {
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Sets {@code portager.portager.io/sync-now: "true"}. */
  void requestSync(String name) {
    String patch =
        "{\"metadata\":{\"annotations\":{\"" + ImageSyncs.SYNC_NOW_ANNOTATION + "\":\"true\"}}}";
    kube.patch(ImageSyncs.RESOURCE, NAMESPACE, name, KubeClient.PatchType.MERGE, patch);
  }

  /** Waits until the status reports a finished run of {@code generation}. */
  ObjectNode awaitGeneration(String name, long generation, Duration timeout)
      throws InterruptedException {
    return await(
        name,
        timeout,
        object ->
            object.path("status").path("observedGeneration").asLong(-1) == generation
                && !syncing(object));
  }

  /** Waits until the operator removed the sync-now annotation after writing the run's status. */
  ObjectNode awaitSyncNowHandled(String name, Duration timeout) throws InterruptedException {
    return await(
        name,
        timeout,
        object ->
            object
                    .path("metadata")
                    .path("annotations")
                    .path(ImageSyncs.SYNC_NOW_ANNOTATION)
                    .isMissingNode()
                && !syncing(object));
  }

  /** Returns the tags whose status is not synced, as {@code repository:tag: error}. */
  static List<String> failedTags(ObjectNode object) {
    List<String> failed = new ArrayList<>();
    for (JsonNode image : object.path("status").path("images")) {
      for (JsonNode tag : image.path("tags")) {
        if (!tag.path("synced").asBoolean(false)) {
          failed.add(
              image.path("name").asText()
                  + ":"
                  + tag.path("tag").asText()
                  + ": "
                  + tag.path("error").asText());
        }
      }
    }
    return failed;
  }

  private ObjectNode await(
      String name, Duration timeout, java.util.function.Predicate<ObjectNode> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<ObjectNode> object = kube.get(ImageSyncs.RESOURCE, NAMESPACE, name);
      if (object.isPresent() && done.test(object.get())) {
        return object.get();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "imagesync "
                + name
                + " did not finish within "
                + timeout
                + "; last: "
                + object.orElse(null));
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private static boolean syncing(JsonNode object) {
    for (JsonNode condition : object.path("status").path("conditions")) {
      if (condition.path("type").asText().equals("Syncing")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }
}
