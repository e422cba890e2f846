package io.portager.cloud.aws;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.RegistryTokenSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * ECR credentials and repositories through the AWS SDK, shared by every ImageSync of the process.
 * Holds one ECR client per region and role, the authorization tokens, and the repositories already
 * ensured. {@link #tokenSource} is the factory that {@code CloudIdentities} registers for method
 * {@code ecr}.
 *
 * <p>The clients, tokens and repository set live in concurrent maps; an entry is never removed, so
 * their size is bounded by the regions, roles and repositories that the ImageSyncs name.
 */
public final class Ecr implements AutoCloseable {
  /** The STS role session name, shown in CloudTrail for calls made with an assumed role. */
  static final String ROLE_SESSION_NAME = "portager";

  /**
   * The endpoints, identity and clock of the SDK clients. Null endpoints let the SDK choose, and
   * the SDK then honours {@code AWS_ENDPOINT_URL_ECR} and {@code AWS_ENDPOINT_URL_STS}. {@code
   * baseCredentials} is the operator's own identity. A token is fetched again {@code refreshBefore}
   * it expires.
   */
  public record Settings(
      URI ecrEndpoint,
      URI stsEndpoint,
      AwsCredentialsProvider baseCredentials,
      Clock clock,
      Duration refreshBefore) {
    /**
     * Returns settings that use the SDK's default credential chain: environment variables, the web
     * identity token file of IRSA, EKS Pod Identity, the shared config files and the EC2 instance
     * profile, in the SDK's order.
     */
    public static Settings defaults(Clock clock) {
      return new Settings(
          null, null, DefaultCredentialsProvider.builder().build(), clock, Duration.ofMinutes(15));
    }
  }

  private record ClientKey(
      String region, boolean fips, boolean dualStack, String roleArn, String externalId) {}

  private final Settings settings;
  private final SdkHttpClient http = UrlConnectionHttpClient.builder().build();
  private final Map<ClientKey, EcrClient> clients = new ConcurrentHashMap<>();
  private final Map<EcrTokenSource.TokenKey, EcrTokenSource.CachedToken> tokens =
      new ConcurrentHashMap<>();
  private final Set<String> ensuredRepositories = ConcurrentHashMap.newKeySet();

  public Ecr(Settings settings) {
    this.settings = settings;
  }

  /** Returns the token source for one ImageSync; cheap, because the caches are shared. */
  public RegistryTokenSource tokenSource(CloudAuthOptions options) {
    return new EcrTokenSource(this, options == null ? CloudAuthOptions.NONE : options);
  }

  Settings settings() {
    return settings;
  }

  Map<EcrTokenSource.TokenKey, EcrTokenSource.CachedToken> tokens() {
    return tokens;
  }

  /** Records {@code key} as ensured; false when it was recorded before. */
  boolean markEnsured(String key) {
    return ensuredRepositories.add(key);
  }

  boolean isEnsured(String key) {
    return ensuredRepositories.contains(key);
  }

  EcrClient client(EcrHost host, CloudAuthOptions options) {
    ClientKey key =
        new ClientKey(
            host.region(), host.fips(), host.dualStack(), options.roleArn(), options.externalId());
    return clients.computeIfAbsent(key, this::newClient);
  }

  private EcrClient newClient(ClientKey key) {
    var builder =
        EcrClient.builder()
            .region(Region.of(key.region()))
            .httpClient(http)
            .fipsEnabled(key.fips())
            .dualstackEnabled(key.dualStack())
            .credentialsProvider(credentials(key));
    if (settings.ecrEndpoint() != null) {
      builder.endpointOverride(settings.ecrEndpoint());
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials(ClientKey key) {
    if (key.roleArn() == null) {
      return settings.baseCredentials();
    }
    // Use STS in the registry's region, because a regional endpoint serves the role's partition.
    var sts =
        StsClient.builder()
            .region(Region.of(key.region()))
            .httpClient(http)
            .credentialsProvider(settings.baseCredentials());
    if (settings.stsEndpoint() != null) {
      sts.endpointOverride(settings.stsEndpoint());
    }
    return StsAssumeRoleCredentialsProvider.builder()
        .stsClient(sts.build())
        .refreshRequest(
            request ->
                request
                    .roleArn(key.roleArn())
                    .roleSessionName(ROLE_SESSION_NAME)
                    .externalId(key.externalId()))
        .build();
  }

  @Override
  public void close() {
    clients.values().forEach(EcrClient::close);
    http.close();
  }
}
