package io.portager.imagesync;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.RepositorySettings;
import io.portager.cloud.aws.EcrHost;
import io.portager.cloud.azure.AcrTokenSource;
import io.portager.cloud.gcp.GoogleTokenSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks the auth blocks of both sides and the destination's repository settings, and turns them
 * into {@link AuthPlan}s. A cloud method must be registered with the operator, or the spec gets
 * reason UnsupportedAuthMethod.
 */
final class AuthValidator {
  static final List<String> METHODS = List.of("secret", "anonymous", "ecr", "gar", "acr");

  /** An IAM role ARN; the role name allows the characters IAM allows, and a path. */
  private static final Pattern ROLE_ARN =
      Pattern.compile("^arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$");

  private static final int MAX_TAGS = 50;

  private static final String GAR_FORM =
      "LOCATION-docker.pkg.dev (Artifact Registry) or gcr.io and its regional hosts"
          + " (Container Registry)";
  private static final String ACR_FORM =
      "an ACR login server such as NAME.azurecr.io (or .azurecr.cn, .azurecr.us)";

  private AuthValidator() {}

  static AuthPlan source(ImageSyncSpec.Source source, Predicate<String> registered) {
    ImageSyncSpec.SecretRef legacy = source.authSecretRef();
    ImageSyncSpec.Auth auth = source.auth();
    if (legacy != null && isBlank(legacy.name())) {
      throw invalid("spec.source.authSecretRef.name is empty: name a Secret or remove it");
    }
    if (auth == null) {
      return legacy == null
          ? AuthPlan.anonymous("spec.source.auth")
          : new AuthPlan(
              "spec.source.authSecretRef", AuthPlan.SECRET, legacy, CloudAuthOptions.NONE);
    }
    if (legacy != null) {
      auth = merge(auth, legacy);
    }
    return check("spec.source", auth, source.registry(), registered);
  }

  static AuthPlan destination(ImageSyncSpec.Destination destination, Predicate<String> registered) {
    return check("spec.destination", destination.auth(), destination.registry(), registered);
  }

  /** Returns the settings for created repositories, or null when none should be created. */
  static RepositorySettings repositorySettings(ImageSyncSpec spec) {
    if (!Boolean.TRUE.equals(spec.createDestinationRepos())) {
      return null;
    }
    ImageSyncSpec.RepositorySettings settings = spec.destination().repositorySettings();
    if (settings == null) {
      return RepositorySettings.DEFAULTS;
    }

    String field = "spec.destination.repositorySettings";
    String mutability = settings.imageTagMutability();
    if (mutability != null && !List.of("MUTABLE", "IMMUTABLE").contains(mutability)) {
      throw invalid(
          field
              + ".imageTagMutability \""
              + mutability
              + "\" is unknown: use MUTABLE or IMMUTABLE");
    }
    ImageSyncSpec.Encryption encryption = settings.encryption();
    checkEncryption(field + ".encryption", encryption);
    checkTags(field + ".tags", settings.tags());

    String type = encryption == null ? null : encryption.type();
    String kmsKey = encryption == null || isBlank(encryption.kmsKey()) ? null : encryption.kmsKey();
    return new RepositorySettings(mutability, settings.scanOnPush(), type, kmsKey, settings.tags());
  }

  private static void checkEncryption(String field, ImageSyncSpec.Encryption encryption) {
    if (encryption == null) {
      return;
    }
    String type = encryption.type();
    if (!List.of("AES256", "KMS").contains(String.valueOf(type))) {
      throw invalid(field + ".type \"" + type + "\" is unknown: use AES256 or KMS");
    }
    if (!isBlank(encryption.kmsKey()) && !"KMS".equals(type)) {
      throw invalid(
          field + ".kmsKey is set but type is " + type + ": set type KMS, or remove kmsKey");
    }
  }

  private static void checkTags(String field, Map<String, String> tags) {
    if (tags == null) {
      return;
    }
    if (tags.size() > MAX_TAGS) {
      throw invalid(field + " has " + tags.size() + " entries: ECR allows at most " + MAX_TAGS);
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (isBlank(tag.getKey()) || tag.getKey().length() > 128) {
        throw invalid(field + " has key \"" + tag.getKey() + "\": a key is 1 to 128 characters");
      }
      if (tag.getValue() == null || tag.getValue().length() > 256) {
        throw invalid(field + "." + tag.getKey() + " must be a string of at most 256 characters");
      }
    }
  }

  private static ImageSyncSpec.Auth merge(ImageSyncSpec.Auth auth, ImageSyncSpec.SecretRef legacy) {
    if (!AuthPlan.SECRET.equals(auth.method())) {
      throw invalid(
          "spec.source.authSecretRef and spec.source.auth.method "
              + auth.method()
              + " conflict: remove authSecretRef, or set auth.method secret");
    }
    ImageSyncSpec.SecretRef ref = auth.secretRef();
    if (ref != null && !sameSecret(ref, legacy)) {
      throw invalid(
          "spec.source.authSecretRef and spec.source.auth.secretRef name different Secrets: keep"
              + " only auth.secretRef");
    }
    return new ImageSyncSpec.Auth(AuthPlan.SECRET, legacy, auth.roleArn(), auth.externalId());
  }

  private static boolean sameSecret(ImageSyncSpec.SecretRef a, ImageSyncSpec.SecretRef b) {
    return Objects.equals(a.name(), b.name())
        && Objects.equals(blankToNull(a.namespace()), blankToNull(b.namespace()));
  }

  private static AuthPlan check(
      String side, ImageSyncSpec.Auth auth, String registry, Predicate<String> registered) {
    String field = side + ".auth";
    String method = auth == null ? null : auth.method();
    if (isBlank(method)) {
      throw invalid(field + ".method is missing: use " + String.join(", ", METHODS));
    }
    if (!METHODS.contains(method)) {
      throw invalid(
          field + ".method \"" + method + "\" is unknown: use " + String.join(", ", METHODS));
    }
    checkRole(field, auth, method);
    if (method.equals(AuthPlan.SECRET)) {
      if (auth.secretRef() == null || isBlank(auth.secretRef().name())) {
        throw invalid(
            field
                + ".secretRef.name is required when auth.method is secret: name a"
                + " kubernetes.io/dockerconfigjson Secret with "
                + (side.endsWith("source") ? "pull" : "push")
                + " credentials");
      }
      return new AuthPlan(field + ".secretRef", method, auth.secretRef(), CloudAuthOptions.NONE);
    }
    if (method.equals(AuthPlan.ANONYMOUS)) {
      return AuthPlan.anonymous(field);
    }
    if (!registered.test(method)) {
      throw new InvalidSpecException(
          "UnsupportedAuthMethod",
          field
              + ".method "
              + method
              + " is not supported by this version of Portager: use method secret with a"
              + " dockerconfigjson Secret, or anonymous");
    }
    if (method.equals(AuthPlan.ECR)) {
      checkEcrHost(side, registry, auth);
    }
    if (method.equals(AuthPlan.GAR)) {
      checkHost(side, registry, method, GoogleTokenSource::isGoogleRegistry, GAR_FORM);
    }
    if (method.equals(AuthPlan.ACR)) {
      checkHost(side, registry, method, AcrTokenSource::isAcrRegistry, ACR_FORM);
    }
    return new AuthPlan(
        field,
        method,
        null,
        new CloudAuthOptions(blankToNull(auth.roleArn()), blankToNull(auth.externalId())));
  }

  private static void checkRole(String field, ImageSyncSpec.Auth auth, String method) {
    if (isBlank(auth.roleArn()) && !isBlank(auth.externalId())) {
      throw invalid(
          field + ".externalId is set without roleArn: set roleArn, or remove externalId");
    }
    if (isBlank(auth.roleArn())) {
      return;
    }
    if (!method.equals(AuthPlan.ECR)) {
      throw invalid(field + ".roleArn applies to method ecr only: remove it for method " + method);
    }
    if (!ROLE_ARN.matcher(auth.roleArn()).matches()) {
      throw invalid(
          field
              + ".roleArn \""
              + auth.roleArn()
              + "\" is not an IAM role ARN: use arn:aws:iam::<account>:role/<name>");
    }
  }

  /**
   * Rejects a registry whose host the method's token source does not serve, as for ecr: the
   * operator would otherwise send a cloud access token to a registry that cannot accept it.
   */
  private static void checkHost(
      String side, String registry, String method, Predicate<String> accepts, String form) {
    if (!accepts.test(registryHost(registry))) {
      throw invalid(
          side
              + ".registry \""
              + registry
              + "\" is not a registry that auth.method "
              + method
              + " serves: use "
              + form
              + ", or method secret");
    }
  }

  private static String registryHost(String registry) {
    return registry == null ? "" : registry.split("/", 2)[0];
  }

  private static void checkEcrHost(String side, String registry, ImageSyncSpec.Auth auth) {
    Optional<EcrHost> ecr = EcrHost.parse(registryHost(registry));
    if (ecr.isEmpty()) {
      throw invalid(
          side
              + ".registry \""
              + registry
              + "\" is not a private ECR registry, which auth.method ecr needs: use "
              + EcrHost.EXPECTED_FORM);
    }
    if (!isBlank(auth.roleArn())) {
      String partition = auth.roleArn().split(":", 3)[1];
      if (!partition.equals(ecr.get().partition())) {
        throw invalid(
            side
                + ".auth.roleArn is in partition "
                + partition
                + " but the registry is in "
                + ecr.get().partition()
                + ": use a role of the registry's partition");
      }
    }
  }

  private static InvalidSpecException invalid(String message) {
    return new InvalidSpecException("InvalidSpec", message);
  }

  private static String blankToNull(String text) {
    return isBlank(text) ? null : text;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
