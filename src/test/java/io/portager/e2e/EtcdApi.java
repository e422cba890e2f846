package io.portager.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls etcd's JSON gateway ({@code /v3/...}) on 127.0.0.1, for compaction. */
final class EtcdApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private EtcdApi() {}

  /**
   * Compacts etcd's history up to its current revision, physically, and returns that revision. A
   * watch from an older revision is then answered with a "compacted" error, which kube-apiserver
   * passes on as 410 Gone.
   */
  static long compactToCurrentRevision(String clientUrl) throws IOException, InterruptedException {
    // Key "/" in base64; the answer's header carries the current revision.
    String range = post(clientUrl, "/v3/kv/range", "{\"key\":\"Lw==\",\"limit\":1}");
    long revision = JSON.readTree(range).path("header").path("revision").asLong();
    post(clientUrl, "/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
    return revision;
  }

  private static String post(String clientUrl, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(clientUrl + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "etcd " + path + ": status " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }
}
