package io.portager.registry;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A long-lived client for one registry endpoint: one HttpClient and one token cache, shared by
 * every repository and credential used against that host. Thread-safe.
 */
public final class RegistryClient {
  private final RegistryEndpoint endpoint;
  private final URI base;
  private final Transport transport;
  private final Authenticator authenticator;
  private final ClientLimits limits;

  /** Creates a client that reads time from the system clock. */
  public RegistryClient(RegistryEndpoint endpoint) {
    this(endpoint, Clock.systemUTC());
  }

  /** Creates a client whose token cache reads time from {@code clock}. */
  public RegistryClient(RegistryEndpoint endpoint, Clock clock) {
    this(endpoint, clock, ClientLimits.DEFAULT);
  }

  /** Creates a client with the request limits and upload chunk size of {@code limits}. */
  public RegistryClient(RegistryEndpoint endpoint, Clock clock, ClientLimits limits) {
    this(endpoint, clock, limits, RetryPolicy.DEFAULT, RetryPolicy.Sleeper.REAL);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper) {
    this(endpoint, clock, ClientLimits.DEFAULT, retryPolicy, sleeper);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      ClientLimits limits,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper) {
    this(endpoint, clock, limits, retryPolicy, sleeper, HttpClientFactory.DEFAULT);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      HttpClientFactory httpClients) {
    this(endpoint, clock, ClientLimits.DEFAULT, retryPolicy, sleeper, httpClients);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      ClientLimits limits,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      HttpClientFactory httpClients) {
    this(endpoint, clock, limits, retryPolicy, sleeper, httpClients, RequestListener.NONE);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      ClientLimits limits,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper,
      HttpClientFactory httpClients,
      RequestListener listener) {
    this.endpoint = endpoint;
    this.base = baseUri(endpoint);
    this.limits = limits;
    RequestLimiter limiter = new RequestLimiter(limits, clock, sleeper);
    this.transport =
        new Transport(
            httpClients.newClient(endpoint),
            httpClients.newClient(endpoint, true),
            retryPolicy,
            sleeper,
            clock,
            limiter,
            endpoint.host(),
            listener);
    this.authenticator = new Authenticator(endpoint, transport, clock);
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  public ClientLimits limits() {
    return limits;
  }

  /**
   * Returns the requests the registry reports as left in its current rate limit window, from the
   * latest response that carried {@code RateLimit-Remaining} (Docker Hub sends it on manifest
   * requests); empty until one did.
   */
  public OptionalLong rateLimitRemaining() {
    return transport.rateLimitRemaining();
  }

  /**
   * Returns a handle for one repository, authenticated with {@code credential}; throws
   * IllegalArgumentException when the name breaks the spec's repository grammar.
   */
  public Repository repository(String repository, Credential credential) {
    return new HttpRepository(this, repository, credential);
  }

  Transport transport() {
    return transport;
  }

  /** Returns {@code path} (starting with {@code /v2/}) on this registry. */
  URI uri(String path) {
    return base.resolve(path);
  }

  /**
   * Sends {@code call} with the credential, handling one 401 challenge by authenticating for {@code
   * scope} and sending the call again. Returns the final response whatever its status.
   */
  HttpResponse<InputStream> execute(String action, Call call, Credential credential, String scope) {
    return execute(action, call, credential, List.of(scope));
  }

  /**
   * Sends {@code call} with a token for all of {@code scopes}, first scope first. A 401 answer
   * drops the rejected token and sends the call once more with a fresh one, for scopes extended by
   * an {@code insufficient_scope} challenge. A call whose body cannot be sent again is not resent:
   * its 401 becomes a retryable RegistryException, so the caller can start the operation over with
   * the fresh token. Returns the final response whatever its status.
   */
  HttpResponse<InputStream> execute(
      String action, Call call, Credential credential, List<String> scopes) {
    // A Link or upload Location header may name another host. The registry's credentials and
    // tokens belong to the registry alone, so such a request goes out without them.
    if (!Transport.sameOrigin(call.uri(), base)) {
      return transport.send(action, call, null);
    }
    String authorization = authenticator.authorization(credential, scopes);
    HttpResponse<InputStream> response = transport.send(action, call, authorization);
    // A 401 from a redirect target (a blob storage host) belongs to that host, and authenticating
    // against its challenge would send this registry's credentials to another origin.
    boolean fromRegistry = Transport.sameOrigin(response.uri(), call.uri());
    if (response.statusCode() != 401 || !fromRegistry) {
      return response;
    }
    Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
    if (challenge.isEmpty()) {
      return response;
    }
    if (!call.replayable()) {
      RegistryException failure = Responses.failure(action, response);
      authenticator.challenged(challenge.get(), authorization, action, scopes);
      throw new RegistryException(
          401, failure.errorCode(), failure.getMessage(), null, isRefreshable(authorization));
    }

    Responses.discard(response);
    List<String> retryScopes =
        authenticator.challenged(challenge.get(), authorization, action, scopes);
    return transport.send(action, call, authenticator.authorization(credential, retryScopes));
  }

  // A rejected bearer token may have expired on the way, and a request sent before any challenge
  // had no token yet: a new attempt can succeed. A rejected password cannot.
  private static boolean isRefreshable(String authorization) {
    return authorization == null || authorization.startsWith("Bearer ");
  }

  private static URI baseUri(RegistryEndpoint endpoint) {
    String scheme = endpoint.plainHttp() ? "http" : "https";
    URI uri;
    try {
      uri = URI.create(scheme + "://" + endpoint.host() + "/");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "create registry client: invalid host " + endpoint.host() + ", want host[:port]", e);
    }
    if (uri.getHost() == null || !uri.getRawPath().equals("/")) {
      throw new IllegalArgumentException(
          "create registry client: invalid host " + endpoint.host() + ", want host[:port]");
    }
    return uri;
  }
}
