package io.portager.registry;

import io.portager.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Sends calls for one registry endpoint over its long-lived HttpClient: follows redirects by hand
 * and retries transient failures. Authentication is the caller's job, but this class decides where
 * an {@code Authorization} header may go: only to the origin of the call's first URI, never to a
 * redirect target on another origin such as a blob storage host.
 */
final class Transport {
  static final int MAX_REDIRECTS = 5;

  private static final Log LOG = Log.get("registry");

  private final HttpClient http;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy.Sleeper sleeper;

  Transport(HttpClient http, RetryPolicy retryPolicy, RetryPolicy.Sleeper sleeper) {
    this.http = http;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
  }

  /**
   * Sends {@code call}, retrying retryable calls after 429, 502, 503, 504 and connection failures.
   * Returns the last response whatever its status; throws RegistryException when no response
   * arrived.
   *
   * @param authorization the Authorization header value for the call's origin, or null
   */
  HttpResponse<InputStream> send(String action, Call call, String authorization) {
    for (int retry = 0; ; retry++) {
      boolean mayRetry = call.retryable() && retry < retryPolicy.maxRetries();
      HttpResponse<InputStream> response;
      try {
        response = sendFollowingRedirects(action, call, authorization);
      } catch (IOException e) {
        if (!mayRetry) {
          throw new RegistryException(
              0, null, action + ": " + call.describe() + ": " + describe(e), e);
        }
        pause(action, call, retry, retryPolicy.delay(retry, Optional.empty()), "io_error");
        continue;
      }

      int status = response.statusCode();
      if (!mayRetry || !RetryPolicy.isRetryableStatus(status)) {
        return response;
      }
      Optional<String> retryAfter = response.headers().firstValue("Retry-After");
      Responses.discard(response);
      pause(action, call, retry, retryPolicy.delay(retry, retryAfter), Integer.toString(status));
    }
  }

  private HttpResponse<InputStream> sendFollowingRedirects(
      String action, Call call, String authorization) throws IOException {
    URI uri = call.uri();
    boolean follow = call.method().equals("GET") || call.method().equals("HEAD");
    for (int hop = 0; ; hop++) {
      boolean sameOrigin = sameOrigin(uri, call.uri());
      HttpResponse<InputStream> response = sendOnce(call, uri, sameOrigin ? authorization : null);
      Optional<String> location = response.headers().firstValue("Location");
      if (!follow || !isRedirect(response.statusCode()) || location.isEmpty()) {
        return response;
      }
      Responses.discard(response);
      if (hop == MAX_REDIRECTS) {
        throw new RegistryException(
            0,
            null,
            action + ": " + call.describe() + ": more than " + MAX_REDIRECTS + " redirects",
            null,
            false);
      }
      uri = uri.resolve(location.get());
    }
  }

  private HttpResponse<InputStream> sendOnce(Call call, URI uri, String authorization)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).method(call.method(), call.publisher());
    call.headers().forEach(request::header);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (call.timeout() != null) {
      request.timeout(call.timeout());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(0, null, call.describe() + ": interrupted", e, false);
    }
  }

  private void pause(String action, Call call, int retry, Duration delay, String reason) {
    LOG.warn(
        "registry_retry",
        "action",
        action,
        "request",
        call.describe(),
        "reason",
        reason,
        "retry",
        retry + 1,
        "delay_ms",
        delay.toMillis());
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(
          0, null, action + ": interrupted while waiting to retry", e, false);
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return uri.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
