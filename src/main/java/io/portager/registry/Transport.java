package io.portager.registry;

import io.portager.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Sends calls for one registry endpoint over its long-lived HttpClient: follows redirects by hand
 * and retries transient failures. Authentication is the caller's job, but this class decides where
 * an {@code Authorization} header may go: only to the origin of the call's first URI, never to a
 * redirect target on another origin such as a blob storage host.
 *
 * <p>Every HTTP exchange, redirect hops and token fetches included, passes the endpoint's {@link
 * RequestLimiter}. Mutable state: the last {@code RateLimit-Remaining} the registry sent, a
 * volatile long replaced whole.
 */
final class Transport {
  static final int MAX_REDIRECTS = 5;

  private static final Log LOG = Log.get("registry");

  private final HttpClient http;
  private final HttpClient bodilessHttp;
  private final RetryPolicy retryPolicy;
  private final RetryPolicy.Sleeper sleeper;
  private final Clock clock;
  private final RequestLimiter limiter;
  private final String registry;
  private final RequestListener listener;
  private volatile long rateLimitRemaining = -1;

  Transport(
      HttpClient http,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      Clock clock,
      RequestLimiter limiter) {
    this(http, retryPolicy, sleeper, clock, limiter, "", RequestListener.NONE);
  }

  /** Creates a transport that reports every exchange to {@code listener} under {@code registry}. */
  Transport(
      HttpClient http,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      Clock clock,
      RequestLimiter limiter,
      String registry,
      RequestListener listener) {
    this(http, http, retryPolicy, sleeper, clock, limiter, registry, listener);
  }

  /**
   * Creates a transport that sends PUT and PATCH, whose bodies may stream from another registry,
   * with {@code http} unless their body is in memory, and every other call with {@code
   * bodilessHttp}, which may run the client's steps on its selector thread (see {@link
   * HttpClientFactory#newClient(RegistryEndpoint, boolean)}).
   */
  Transport(
      HttpClient http,
      HttpClient bodilessHttp,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      Clock clock,
      RequestLimiter limiter,
      String registry,
      RequestListener listener) {
    this.http = http;
    this.bodilessHttp = bodilessHttp;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.clock = clock;
    this.limiter = limiter;
    this.registry = registry;
    this.listener = listener;
  }

  /** Returns the requests left in the registry's current window, when it has sent that header. */
  OptionalLong rateLimitRemaining() {
    long remaining = rateLimitRemaining;
    return remaining < 0 ? OptionalLong.empty() : OptionalLong.of(remaining);
  }

  /**
   * Sends {@code call}, retrying retryable calls after the statuses of {@link
   * RetryPolicy#isRetryableStatus} and connection failures until the policy's retry count or total
   * wait runs out. Returns the last response whatever its status; throws RegistryException when no
   * response arrived.
   *
   * @param authorization the Authorization header value for the call's origin, or null
   */
  HttpResponse<InputStream> send(String action, Call call, String authorization) {
    Duration waited = Duration.ZERO;
    for (int retry = 0; ; retry++) {
      boolean mayRetry = call.retryable() && retry < retryPolicy.maxRetries();
      HttpResponse<InputStream> response;
      try {
        response = sendFollowingRedirects(action, call, authorization);
      } catch (IOException e) {
        Duration delay = retryPolicy.delay(retry, Optional.empty(), clock.instant());
        if (!mayRetry || !retryPolicy.allowsWait(waited, delay)) {
          throw new RegistryException(
              0, null, action + ": " + call.describe() + ": " + describe(e), e);
        }
        pause(action, call, retry, delay, "io_error");
        waited = waited.plus(delay);
        continue;
      }

      int status = response.statusCode();
      if (!mayRetry || !RetryPolicy.isRetryableStatus(status)) {
        return response;
      }
      Optional<String> retryAfter = response.headers().firstValue("Retry-After");
      Duration delay = retryPolicy.delay(retry, retryAfter, clock.instant());
      if (!retryPolicy.allowsWait(waited, delay)) {
        return response;
      }
      Responses.discard(response);
      if (status == 429 && retryAfter.isPresent()) {
        // Retry-After applies to the whole client, so every request to this registry waits, and
        // the others do not use up their retries on 429s meanwhile. This retry waits in the
        // limiter too.
        logRetry(action, call, retry, delay, "429");
        limiter.pauseFor(delay);
      } else {
        pause(action, call, retry, delay, Integer.toString(status));
      }
      waited = waited.plus(delay);
    }
  }

  /**
   * Waits before attempt {@code attempt + 1} of a whole operation that failed, such as a blob
   * upload started again from its POST. Uses the backoff of a retry without {@code Retry-After}.
   */
  void backOff(String action, int attempt) {
    Duration delay = retryPolicy.delay(attempt - 1, Optional.empty(), clock.instant());
    sleep(action, delay);
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
    limiter.acquire(call.describe());
    HttpResponse<InputStream> response;
    try {
      response = clientFor(call).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      listener.exchanged(registry, call.method(), 0);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(0, null, call.describe() + ": interrupted", e, false);
    } finally {
      limiter.release();
    }
    listener.exchanged(registry, call.method(), response.statusCode());
    if (sameOrigin(uri, call.uri())) {
      recordRateLimit(response);
    }
    return response;
  }

  /**
   * Returns the client for {@code call}: a PUT or PATCH whose body may stream from a source
   * registry, and block while the client pulls it, never goes through the same-thread client. GET,
   * HEAD, POST and DELETE send no body or a small one held in memory.
   */
  HttpClient clientFor(Call call) {
    String method = call.method();
    boolean mayStream = (method.equals("PUT") || method.equals("PATCH")) && !call.bodyInMemory();
    return mayStream ? http : bodilessHttp;
  }

  // Docker Hub sends "RateLimit-Remaining: 76;w=21600": requests left, then the window in
  // seconds. Only the count is kept.
  private void recordRateLimit(HttpResponse<InputStream> response) {
    Optional<String> header = response.headers().firstValue("RateLimit-Remaining");
    if (header.isEmpty()) {
      return;
    }
    OptionalLong remaining = parseRateLimitRemaining(header.get());
    if (remaining.isPresent()) {
      rateLimitRemaining = remaining.getAsLong();
    }
  }

  static OptionalLong parseRateLimitRemaining(String value) {
    int semicolon = value.indexOf(';');
    String count = (semicolon < 0 ? value : value.substring(0, semicolon)).trim();
    try {
      long parsed = Long.parseLong(count);
      return parsed < 0 ? OptionalLong.empty() : OptionalLong.of(parsed);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private void pause(String action, Call call, int retry, Duration delay, String reason) {
    logRetry(action, call, retry, delay, reason);
    sleep(action, delay);
  }

  private static void logRetry(String action, Call call, int retry, Duration delay, String reason) {
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
  }

  private void sleep(String action, Duration delay) {
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
