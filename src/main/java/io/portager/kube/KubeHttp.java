package io.portager.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Sends requests to the API server: builds the URL, adds the Authorization, Accept and User-Agent
 * headers, retries 429 and 5xx responses that carry Retry-After, reads bodies with a size limit and
 * maps failures to {@link KubeApiException}. One {@link HttpClient} serves every request and watch.
 */
final class KubeHttp {
  /** Largest successful body read into memory: a page of 500 objects of up to 128 KiB each. */
  static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

  /** Largest error body read; Status objects are a few hundred bytes. */
  static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  /**
   * Retries of a request that got 429 or 5xx with a Retry-After header. client-go allows 10; five
   * keeps a reconcile from stalling for minutes on an overloaded server.
   */
  static final int MAX_RETRY_AFTER_RETRIES = 5;

  /** Longest Retry-After wait honoured, so a bad header cannot park a worker for hours. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Time until the response headers arrive; the body of a watch may stream far longer. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  static final String USER_AGENT = "portager/" + version();

  private final KubeConfig config;
  private final HttpClient http;
  private final Sleeper sleeper;
  private final ObjectMapper json;

  KubeHttp(KubeConfig config, Sleeper sleeper, ObjectMapper json) {
    this.config = config;
    this.sleeper = sleeper;
    this.json = json;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (config.sslContext() != null) {
      builder.sslContext(config.sslContext());
    }
    this.http = builder.build();
  }

  /**
   * Sends one request and returns the body of its 2xx response.
   *
   * @throws KubeApiException for a non-2xx response, after any retries, or when no response came
   */
  byte[] send(String method, String path, Map<String, String> query, Body body) {
    String url = url(path, query);
    boolean retriedUnauthorized = false;
    for (int attempt = 0; ; attempt++) {
      HttpResponse<InputStream> response = exchange(method, url, body);
      int code = response.statusCode();
      if (code >= 200 && code < 300) {
        return readBody(response, MAX_BODY_BYTES, method, url);
      }
      byte[] errorBody = readBody(response, MAX_ERROR_BODY_BYTES, method, url);
      if (code == 401 && !retriedUnauthorized && refreshedCredentials()) {
        retriedUnauthorized = true;
        continue;
      }
      Optional<Duration> wait = retryAfter(response);
      if (wait.isEmpty() || attempt >= MAX_RETRY_AFTER_RETRIES) {
        throw StatusErrors.fromResponse(json, method, url, code, errorBody);
      }
      pause(wait.get(), method, url);
    }
  }

  /**
   * Opens a GET whose body the caller streams, as a watch does. There is no retry: the caller
   * decides whether to watch again or relist.
   */
  InputStream openStream(String path, Map<String, String> query) {
    String url = url(path, query);
    HttpResponse<InputStream> response = exchange("GET", url, null);
    int code = response.statusCode();
    if (code >= 200 && code < 300) {
      return response.body();
    }
    byte[] errorBody = readBody(response, MAX_ERROR_BODY_BYTES, "GET", url);
    if (code == 401) {
      config.invalidateCredentials();
    }
    throw StatusErrors.fromResponse(json, "GET", url, code, errorBody);
  }

  /** A request body with its content type. */
  record Body(byte[] bytes, String contentType) {}

  private HttpResponse<InputStream> exchange(String method, String url, Body body) {
    HttpRequest request = request(method, url, body);
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw StatusErrors.noResponse(method, url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw StatusErrors.noResponse(method, url, e);
    }
  }

  private HttpRequest request(String method, String url, Body body) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body.bytes());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(RESPONSE_TIMEOUT)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT)
            .method(method, publisher);
    if (body != null) {
      builder.header("Content-Type", body.contentType());
    }
    authorization(method, url).ifPresent(value -> builder.header("Authorization", value));
    return builder.build();
  }

  // A token file that vanished or emptied fails this request as "no response", which callers
  // retry with backoff, because the kubelet may be about to write the rotated token.
  private Optional<String> authorization(String method, String url) {
    try {
      return config.authorization();
    } catch (KubeConfigException e) {
      String message = StatusErrors.action(method, url) + ": read credentials: " + e.getMessage();
      throw new KubeApiException(0, null, message, e);
    }
  }

  // A rotated token file makes a 401 worth one more try; a static token would fail the same way.
  private boolean refreshedCredentials() {
    Optional<String> before = config.authorization();
    config.invalidateCredentials();
    try {
      return !config.authorization().equals(before);
    } catch (KubeConfigException e) {
      return false;
    }
  }

  // The API server sends Retry-After in whole seconds. Without the header a 429 or 5xx is not
  // retried here; the caller's own backoff decides.
  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    int code = response.statusCode();
    if (code != 429 && code < 500) {
      return Optional.empty();
    }
    OptionalLong seconds = parseSeconds(response.headers().firstValue("Retry-After").orElse(null));
    if (seconds.isEmpty()) {
      return Optional.empty();
    }
    Duration wait = Duration.ofSeconds(Math.max(0, seconds.getAsLong()));
    return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
  }

  private static OptionalLong parseSeconds(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(header.strip()));
    } catch (NumberFormatException e) {
      // An HTTP-date, which the API server does not send: wait one second, as for "1".
      return OptionalLong.of(1);
    }
  }

  private void pause(Duration wait, String method, String url) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw StatusErrors.noResponse(method, url, e);
    }
  }

  private static byte[] readBody(
      HttpResponse<InputStream> response, int limit, String method, String url) {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        String message =
            StatusErrors.action(method, url) + ": response body exceeds " + limit + " bytes";
        throw new KubeApiException(response.statusCode(), "ResponseTooLarge", message, null);
      }
      return bytes;
    } catch (IOException e) {
      throw StatusErrors.noResponse(method, url, e);
    }
  }

  private String url(String path, Map<String, String> query) {
    StringBuilder url = new StringBuilder(config.server().toString()).append(path);
    char separator = '?';
    for (Map.Entry<String, String> entry : query.entrySet()) {
      if (entry.getValue() == null || entry.getValue().isEmpty()) {
        continue;
      }
      url.append(separator).append(entry.getKey()).append('=');
      url.append(URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }

  // Maven writes pom.properties into the jar; classes run from target/classes fall back to "dev".
  private static String version() {
    String resource = "/META-INF/maven/io.portager/portager/pom.properties";
    try (InputStream in = KubeHttp.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "dev";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
