package io.portager.registry;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One HTTP request to send, possibly several times.
 *
 * @param body creates the request body for each attempt; null for no body
 * @param replayable whether the body can be sent again, which allows answering a 401 challenge
 * @param retryable whether the request may be repeated blindly after 429, a transient 5xx or a
 *     connection failure: true for GET, HEAD and the upload POST, which change nothing
 * @param timeout time allowed until the response headers arrive; null for no limit
 * @param bodyInMemory whether the body is in memory, so sending it never blocks on another stream.
 *     Such a body may go through the client that runs on its selector thread
 */
record Call(
    String method,
    URI uri,
    Map<String, String> headers,
    Supplier<HttpRequest.BodyPublisher> body,
    boolean replayable,
    boolean retryable,
    Duration timeout,
    boolean bodyInMemory) {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  Call {
    headers = Map.copyOf(headers);
  }

  /** A call whose body, if any, may stream from elsewhere. */
  Call(
      String method,
      URI uri,
      Map<String, String> headers,
      Supplier<HttpRequest.BodyPublisher> body,
      boolean replayable,
      boolean retryable,
      Duration timeout) {
    this(method, uri, headers, body, replayable, retryable, timeout, false);
  }

  static Call get(URI uri, Map<String, String> headers) {
    return new Call("GET", uri, headers, null, true, true, DEFAULT_TIMEOUT);
  }

  static Call head(URI uri, Map<String, String> headers) {
    return new Call("HEAD", uri, headers, null, true, true, DEFAULT_TIMEOUT);
  }

  BodyPublisher publisher() {
    return body == null ? HttpRequest.BodyPublishers.noBody() : body.get();
  }

  /** Returns the method and the URL without its query, which may hold signatures. */
  String describe() {
    return method + " " + Responses.withoutQuery(uri);
  }
}
