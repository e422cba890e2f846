package io.portager.cloud.gcp;

import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.ExpiringToken;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.TokenCache;
import io.portager.log.Log;
import io.portager.registry.Credential;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * Registry credentials for Artifact Registry ({@code *-docker.pkg.dev}) and Container Registry
 * ({@code gcr.io}, {@code us.gcr.io}, {@code eu.gcr.io}, {@code asia.gcr.io}) from Google
 * Application Default Credentials: the user {@code oauth2accesstoken} with an OAuth2 access token
 * as the password, which is how both registries accept access tokens.
 *
 * <p>The identity is the file {@code GOOGLE_APPLICATION_CREDENTIALS} names ({@code
 * service_account}, {@code external_account} or {@code authorized_user}), else the metadata server
 * at {@code GCE_METADATA_HOST} (default {@code metadata.google.internal}), which serves GKE
 * workload identity. One access token serves every registry host; it is cached until shortly before
 * it expires, and concurrent callers share one fetch.
 */
public final class GoogleTokenSource implements RegistryTokenSource {
  /** The user name Artifact Registry and Container Registry pair with an access token. */
  public static final String ACCESS_TOKEN_USER = "oauth2accesstoken";

  private static final String DOCKER_PKG_DEV = "-docker.pkg.dev";
  private static final Log LOG = Log.get("cloud");

  private final GoogleIdentity identity;
  private final TokenCache cache;

  private GoogleTokenSource(GoogleIdentity identity, Clock clock) {
    this.identity = identity;
    this.cache = new TokenCache(clock, () -> fetch(clock));
  }

  /**
   * Chooses the identity from {@code env} (in production {@code System.getenv()}): the file named
   * by {@code GOOGLE_APPLICATION_CREDENTIALS}, which is read now, else the metadata server at
   * {@code GCE_METADATA_HOST} or {@code metadata.google.internal}. No request is sent until the
   * first {@link #credential}.
   *
   * @throws CloudCredentialException when the credential file cannot be read or is not supported
   */
  public static GoogleTokenSource fromEnvironment(
      Map<String, String> env, HttpClient http, Clock clock) {
    GoogleHttp calls = new GoogleHttp(http);
    String file = env.get("GOOGLE_APPLICATION_CREDENTIALS");
    if (file != null && !file.isBlank()) {
      return new GoogleTokenSource(GoogleCredentialFiles.read(Path.of(file), calls), clock);
    }
    String host = env.get("GCE_METADATA_HOST");
    if (host == null || host.isBlank()) {
      host = MetadataServer.DEFAULT_HOST;
    }
    return new GoogleTokenSource(new MetadataServer(host.trim(), calls), clock);
  }

  /**
   * Returns true for the hosts of Artifact Registry ({@code LOCATION-docker.pkg.dev}) and of
   * Container Registry ({@code gcr.io} and its subdomains such as {@code eu.gcr.io}).
   */
  public static boolean isGoogleRegistry(String registryHost) {
    String host = registryHost.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    if (host.equals("gcr.io") || host.endsWith(".gcr.io")) {
      return true;
    }
    String location =
        host.endsWith(DOCKER_PKG_DEV)
            ? host.substring(0, host.length() - DOCKER_PKG_DEV.length())
            : "";
    return !location.isEmpty() && !location.contains(".");
  }

  /** Returns Basic {@code oauth2accesstoken} with a current access token, for any host. */
  @Override
  public Credential credential(String registryHost) {
    return new Credential.Basic(ACCESS_TOKEN_USER, cache.get().value());
  }

  /** Names the identity in use, for log lines and messages. */
  public String identity() {
    return identity.description();
  }

  GoogleIdentity googleIdentity() {
    return identity;
  }

  private ExpiringToken fetch(Clock clock) {
    ExpiringToken token = identity.fetch(clock.instant());
    LOG.info(
        "cloud_token_fetched",
        "provider",
        "gcp",
        "identity",
        identity.description(),
        "expires_at",
        token.expiresAt());
    return token;
  }
}
