package io.portager.registry;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A long-lived client for one registry endpoint: one HttpClient and one token cache, shared by
 * every repository and credential used against that host. Thread-safe.
 */
public final class RegistryClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final RegistryEndpoint endpoint;
  private final URI base;
  private final Transport transport;
  private final Authenticator authenticator;
  private final RegistrySettings settings;

  /** Creates a client that reads time from the system clock. */
  public RegistryClient(RegistryEndpoint endpoint) {
    this(endpoint, Clock.systemUTC());
  }

  /** Creates a client whose token cache reads time from {@code clock}. */
  public RegistryClient(RegistryEndpoint endpoint, Clock clock) {
    this(endpoint, clock, RegistrySettings.DEFAULT);
  }

  /** Creates a client with the request limits and upload chunk size of {@code settings}. */
  public RegistryClient(RegistryEndpoint endpoint, Clock clock, RegistrySettings settings) {
    this(endpoint, clock, settings, RetryPolicy.DEFAULT, RetryPolicy.Sleeper.REAL);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper) {
    this(endpoint, clock, RegistrySettings.DEFAULT, retryPolicy, sleeper);
  }

  RegistryClient(
      RegistryEndpoint endpoint,
      Clock clock,
      RegistrySettings settings,
      RetryPolicy retryPolicy,
      RetryPolicy.Sleeper sleeper) {
    this.endpoint = endpoint;
    this.base = baseUri(endpoint);
    this.settings = settings;
    RequestLimiter limiter = new RequestLimiter(settings, clock, sleeper);
    this.transport = new Transport(newHttpClient(endpoint), retryPolicy, sleeper, clock, limiter);
    this.authenticator = new Authenticator(endpoint, transport, clock);
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  public RegistrySettings settings() {
    return settings;
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
   * Sends {@code call} with the credential, answering one 401 challenge by authenticating for
   * {@code scope} and sending the call again. Returns the final response whatever its status.
   */
  HttpResponse<InputStream> execute(String action, Call call, Credential credential, String scope) {
    String authorization = authenticator.authorization(credential, scope);
    HttpResponse<InputStream> response = transport.send(action, call, authorization);
    // A 401 from a redirect target (a blob storage host) belongs to that host, and authenticating
    // against its challenge would send this registry's credentials to another origin.
    boolean fromRegistry = Transport.sameOrigin(response.uri(), call.uri());
    if (response.statusCode() != 401 || !call.replayable() || !fromRegistry) {
      return response;
    }

    Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
    if (challenge.isEmpty()) {
      return response;
    }
    Responses.discard(response);
    authenticator.challenged(challenge.get(), authorization, action);
    return transport.send(action, call, authenticator.authorization(credential, scope));
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

  // HTTP/1.1 because registries and their blob storage all speak it, and one connection per
  // blob stream keeps a slow layer from stalling others on a shared HTTP/2 connection.
  private static HttpClient newHttpClient(RegistryEndpoint endpoint) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(CONNECT_TIMEOUT);
    if (endpoint.insecureSkipTlsVerify() && !endpoint.plainHttp()) {
      builder.sslContext(TrustAllTls.sslContext());
    }
    return builder.build();
  }
}
