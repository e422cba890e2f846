package io.portager;

import io.portager.cloud.CloudIdentities;
import io.portager.cloud.LazyTokenSource;
import io.portager.cloud.aws.Ecr;
import io.portager.cloud.azure.AcrTokenSource;
import io.portager.cloud.gcp.GoogleTokenSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Registers the cloud auth methods {@code ecr}, {@code gar} and {@code acr}. Google and Azure each
 * get one token source for the whole process, so every ImageSync of a method shares one HTTP client
 * and one token cache. All three are created on the first sync that names the method. An operator
 * without a Google or Azure identity never reads those variables or calls a metadata server. One
 * that never syncs with ECR does not start the AWS SDK.
 */
public final class CloudMethods {
  private CloudMethods() {}

  /**
   * Returns the identities for {@code env} (in production {@code System.getenv()}, in tests a map
   * that names loopback fakes only). {@code acrExchangeEndpoint} maps an ACR login server to its
   * token exchange URL; null means {@code https://<login server>/oauth2/exchange}.
   */
  public static CloudIdentities identities(
      Ecr ecr,
      Map<String, String> env,
      HttpClient http,
      Clock clock,
      Function<String, URI> acrExchangeEndpoint) {
    return identities(() -> ecr, env, http, clock, acrExchangeEndpoint);
  }

  /**
   * Like {@link #identities(Ecr, Map, HttpClient, Clock, Function)}, but calls {@code ecr} on the
   * first sync that names {@code ecr}, and only once, so an operator that never syncs with ECR does
   * not load the AWS SDK.
   */
  public static CloudIdentities identities(
      Supplier<Ecr> ecr,
      Map<String, String> env,
      HttpClient http,
      Clock clock,
      Function<String, URI> acrExchangeEndpoint) {
    Supplier<Ecr> shared = once(ecr);
    Map<String, String> environment = Map.copyOf(env);
    LazyTokenSource google =
        new LazyTokenSource(() -> GoogleTokenSource.fromEnvironment(environment, http, clock));
    LazyTokenSource azure =
        new LazyTokenSource(
            () ->
                acrExchangeEndpoint == null
                    ? AcrTokenSource.fromEnvironment(environment, http, clock)
                    : AcrTokenSource.fromEnvironment(
                        environment, http, clock, acrExchangeEndpoint));
    return new CloudIdentities()
        .register("ecr", options -> shared.get().tokenSource(options))
        .register("gar", options -> google)
        .register("acr", options -> azure);
  }

  /** Returns a supplier that calls {@code create} on its first use and returns that value after. */
  static <T> Supplier<T> once(Supplier<T> create) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = create.get();
        }
        return value;
      }
    };
  }
}
