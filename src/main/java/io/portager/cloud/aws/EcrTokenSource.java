package io.portager.cloud.aws;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.RepositoryCreator;
import io.portager.cloud.RepositorySettings;
import io.portager.log.Log;
import io.portager.registry.Credential;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.CreateRepositoryRequest;
import software.amazon.awssdk.services.ecr.model.RepositoryAlreadyExistsException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;
import software.amazon.awssdk.services.ecr.model.Tag;

/**
 * ECR credentials and repository creation for one ImageSync's settings (its optional role). The
 * password of user {@code AWS} comes from GetAuthorizationToken and is cached per account, region
 * and role until {@link Ecr.Settings#refreshBefore} it expires. When that refresh fails, the cached
 * token is used until it expires, as {@link io.portager.cloud.TokenCache} does for Google and
 * Azure.
 */
final class EcrTokenSource implements RegistryTokenSource, RepositoryCreator {
  record TokenKey(String account, String region, String roleArn, String externalId) {}

  /** A decoded authorization token; {@code toString} hides the password. */
  record CachedToken(Credential.Basic credential, Instant expiresAt) {
    @Override
    public String toString() {
      return "CachedToken[expiresAt=" + expiresAt + "]";
    }
  }

  private static final Log LOG = Log.get("cloud");

  private final Ecr ecr;
  private final CloudAuthOptions options;

  EcrTokenSource(Ecr ecr, CloudAuthOptions options) {
    this.ecr = ecr;
    this.options = options;
  }

  @Override
  public Credential credential(String registryHost) {
    EcrHost host = parse(registryHost);
    TokenKey key =
        new TokenKey(host.account(), host.region(), options.roleArn(), options.externalId());
    // compute blocks other updates of this key (and of keys in its hash bin) while the token is
    // fetched, so concurrent tags of one account, region and role send one request between them.
    CachedToken token =
        ecr.tokens().compute(key, (k, cached) -> fresh(cached) ? cached : refresh(cached, host));
    return token.credential();
  }

  /**
   * Fetches a new token, or keeps {@code cached} while it is still valid when the fetch fails, so a
   * short outage of ECR or STS during the refresh window does not fail a sync.
   */
  private CachedToken refresh(CachedToken cached, EcrHost host) {
    try {
      return fetch(host);
    } catch (CloudCredentialException e) {
      Instant now = ecr.settings().clock().instant();
      if (cached == null || !now.isBefore(cached.expiresAt())) {
        throw e;
      }
      LOG.warn(
          "cloud_token_refresh_failed",
          "registry",
          describe(host),
          "expires_at",
          cached.expiresAt(),
          "error",
          e.getMessage(),
          "action",
          "using the cached token until it expires");
      return cached;
    }
  }

  @Override
  public Result ensureRepository(
      String registryHost, String repository, RepositorySettings settings) {
    EcrHost host = parse(registryHost);
    String key = host.account() + "/" + host.region() + "/" + repository;
    if (ecr.isEnsured(key)) {
      return Result.ENSURED_BEFORE;
    }
    EcrClient client = ecr.client(host, options);
    Result result =
        exists(client, host, repository)
            ? Result.EXISTED
            : create(client, host, repository, settings);
    return ecr.markEnsured(key) ? result : Result.ENSURED_BEFORE;
  }

  private boolean fresh(CachedToken cached) {
    Instant now = ecr.settings().clock().instant();
    return cached != null && now.isBefore(cached.expiresAt().minus(ecr.settings().refreshBefore()));
  }

  private CachedToken fetch(EcrHost host) {
    List<AuthorizationData> data;
    try {
      data =
          ecr.client(host, options)
              .getAuthorizationToken(request -> request.registryIds(host.account()))
              .authorizationData();
    } catch (SdkException e) {
      throw EcrErrors.translate(e, "ecr:GetAuthorizationToken", "*", host, options);
    }
    if (data.isEmpty() || data.get(0).authorizationToken() == null) {
      throw new CloudCredentialException(
          "ECR GetAuthorizationToken for " + describe(host) + " returned no token", true);
    }
    return decode(host, data.get(0));
  }

  private static CachedToken decode(EcrHost host, AuthorizationData data) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(data.authorizationToken()), UTF_8);
    } catch (IllegalArgumentException e) {
      throw new CloudCredentialException(
          "ECR GetAuthorizationToken for "
              + describe(host)
              + " returned a token that is not base64",
          true);
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0 || data.expiresAt() == null) {
      throw new CloudCredentialException(
          "ECR GetAuthorizationToken for "
              + describe(host)
              + " returned a token without user:password or expiry",
          true);
    }
    Credential.Basic credential =
        new Credential.Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    return new CachedToken(credential, data.expiresAt());
  }

  private boolean exists(EcrClient client, EcrHost host, String repository) {
    try {
      client.describeRepositories(
          request -> request.registryId(host.account()).repositoryNames(repository));
      return true;
    } catch (RepositoryNotFoundException e) {
      return false;
    } catch (SdkException e) {
      throw EcrErrors.translate(
          e, "ecr:DescribeRepositories", EcrErrors.repositoryArn(host, repository), host, options);
    }
  }

  private Result create(
      EcrClient client, EcrHost host, String repository, RepositorySettings settings) {
    try {
      client.createRepository(createRequest(host, repository, settings));
      return Result.CREATED;
    } catch (RepositoryAlreadyExistsException e) {
      // Another replica or a person created it after DescribeRepositories.
      return Result.EXISTED;
    } catch (SdkException e) {
      throw EcrErrors.translate(
          e, "ecr:CreateRepository", EcrErrors.repositoryArn(host, repository), host, options);
    }
  }

  static CreateRepositoryRequest createRequest(
      EcrHost host, String repository, RepositorySettings settings) {
    CreateRepositoryRequest.Builder request =
        CreateRepositoryRequest.builder().registryId(host.account()).repositoryName(repository);
    if (settings.imageTagMutability() != null) {
      request.imageTagMutability(settings.imageTagMutability());
    }
    if (settings.scanOnPush() != null) {
      request.imageScanningConfiguration(scan -> scan.scanOnPush(settings.scanOnPush()));
    }
    if (settings.encryptionType() != null) {
      request.encryptionConfiguration(
          encryption ->
              encryption.encryptionType(settings.encryptionType()).kmsKey(settings.kmsKey()));
    }
    if (!settings.tags().isEmpty()) {
      request.tags(
          settings.tags().entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .map(tag -> Tag.builder().key(tag.getKey()).value(tag.getValue()).build())
              .toList());
    }
    return request.build();
  }

  private static EcrHost parse(String registryHost) {
    return EcrHost.parse(registryHost)
        .orElseThrow(
            () ->
                new CloudCredentialException(
                    "registry "
                        + registryHost
                        + " is not a private ECR registry: auth method ecr needs a host of the form "
                        + EcrHost.EXPECTED_FORM,
                    false));
  }

  static String describe(EcrHost host) {
    return "account " + host.account() + " in " + host.region();
  }
}
