package io.portager.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Polls every tag of one repository on a plain-HTTP registry and checks that each tag resolves to a
 * manifest whose child manifests and blobs all exist: what a client pulling at that moment would
 * need. It runs on its own thread until closed and records each violation it finds.
 */
final class TagWalker implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT =
      "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json,"
          + " application/vnd.docker.distribution.manifest.list.v2+json,"
          + " application/vnd.docker.distribution.manifest.v2+json";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger polls = new AtomicInteger();
  private final AtomicInteger tagsChecked = new AtomicInteger();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;

  /** Starts walking {@code http://<host>/v2/<repository>/} every {@code period}. */
  TagWalker(String host, String repository, Duration period) {
    this.base = "http://" + host + "/v2/" + repository;
    this.thread =
        new Thread(
            () -> {
              while (running.get()) {
                walkOnce();
                try {
                  Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "tag-walker");
    thread.setDaemon(true);
    thread.start();
  }

  int polls() {
    return polls.get();
  }

  /** Tags found and checked, summed over all polls. */
  int tagsChecked() {
    return tagsChecked.get();
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  private void walkOnce() {
    try {
      HttpResponse<String> tags = get(base + "/tags/list", "application/json");
      polls.incrementAndGet();
      if (tags.statusCode() == 404) {
        return;
      }
      for (JsonNode tag : JSON.readTree(tags.body()).path("tags")) {
        checkManifest(tag.asText(), "tag " + tag.asText());
        tagsChecked.incrementAndGet();
      }
    } catch (IOException e) {
      violations.add("walk " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkManifest(String reference, String what)
      throws IOException, InterruptedException {
    HttpResponse<String> manifest = get(base + "/manifests/" + reference, ACCEPT);
    if (manifest.statusCode() != 200) {
      violations.add(what + ": manifest " + reference + " returned " + manifest.statusCode());
      return;
    }
    JsonNode root = JSON.readTree(manifest.body());
    for (JsonNode child : root.path("manifests")) {
      checkManifest(child.path("digest").asText(), what + " child");
    }
    List<JsonNode> blobs = new ArrayList<>();
    if (root.has("config")) {
      blobs.add(root.path("config"));
    }
    root.path("layers").forEach(blobs::add);
    for (JsonNode blob : blobs) {
      String digest = blob.path("digest").asText();
      int status = head(base + "/blobs/" + digest);
      if (status != 200) {
        violations.add(what + ": blob " + digest + " returned " + status);
      }
    }
  }

  private HttpResponse<String> get(String url, String accept)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", accept)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private int head(String url) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(15_000);
  }
}
