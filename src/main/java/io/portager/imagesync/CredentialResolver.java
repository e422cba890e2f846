package io.portager.imagesync;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.CloudIdentities;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.RepositoryCreator;
import io.portager.credentials.DockerConfig;
import io.portager.kube.ApiResource;
import io.portager.kube.KubeClient;
import io.portager.registry.Credential;
import java.util.Base64;
import java.util.Optional;

/**
 * Makes the registry credentials of an ImageSync: from the docker config Secrets it names, or from
 * a cloud identity through the token sources registered in {@link CloudIdentities}. Secrets are
 * read on every sync, so an edited Secret takes effect at the next run. Messages name the Secret
 * and the registry, never a secret value.
 */
final class CredentialResolver {
  static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
  static final String DOCKER_CFG = "kubernetes.io/dockercfg";

  private final KubeClient kube;
  private final boolean allowCrossNamespace;
  private final CloudIdentities cloud;

  CredentialResolver(KubeClient kube, boolean allowCrossNamespace) {
    this(kube, allowCrossNamespace, new CloudIdentities());
  }

  CredentialResolver(KubeClient kube, boolean allowCrossNamespace, CloudIdentities cloud) {
    this.kube = kube;
    this.allowCrossNamespace = allowCrossNamespace;
    this.cloud = cloud;
  }

  /** Returns whether a cloud auth method has a registered token source. */
  boolean supports(String method) {
    return cloud.isRegistered(method);
  }

  /**
   * Returns the lookup for one side of a sync. A cloud method fetches its credential here, so a
   * failing identity service fails the whole sync at once, and again for each repository from the
   * token source's cache, so a token that expires during a long sync is replaced.
   *
   * @throws CredentialException when a Secret cannot be used
   * @throws CloudCredentialException when the cloud identity service rejects the request or cannot
   *     be reached
   */
  Lookup lookup(AuthPlan auth, String objectNamespace, String registryHost) {
    if (auth.method().equals(AuthPlan.ANONYMOUS)) {
      return repository -> new Credential.Anonymous();
    }
    if (auth.method().equals(AuthPlan.SECRET)) {
      return lookup(auth.field(), auth.secretRef(), objectNamespace, registryHost);
    }
    RegistryTokenSource source =
        cloud
            .tokenSource(auth.method(), auth.cloud())
            .orElseThrow(
                () ->
                    new CloudCredentialException(
                        auth.field() + ".method " + auth.method() + " is not supported", false));
    source.credential(registryHost);
    return repository -> cloudCredential(source, registryHost);
  }

  /**
   * Returns the token source's credential for one tag job. The source returns its cached token, so
   * a sync that outlives the token (a Google access token lasts one hour) gets a fresh one for
   * later jobs.
   */
  private static Credential cloudCredential(RegistryTokenSource source, String registryHost) {
    try {
      return source.credential(registryHost);
    } catch (CloudCredentialException e) {
      throw new CredentialException(e.getMessage());
    }
  }

  /** Returns the repository creator of a cloud method, or empty when it has none. */
  Optional<RepositoryCreator> repositoryCreator(AuthPlan auth) {
    if (!auth.isCloud()) {
      return Optional.empty();
    }
    return cloud
        .tokenSource(auth.method(), auth.cloud())
        .filter(RepositoryCreator.class::isInstance)
        .map(RepositoryCreator.class::cast);
  }

  /** Credentials for the repositories of one registry, from one read of one Secret. */
  interface Lookup {
    Credential forRepository(String repository);
  }

  /**
   * Reads the Secret named by {@code ref} once and returns a lookup of the credential for each
   * repository on {@code registryHost}; anonymous for every repository when {@code ref} is null.
   * Throws {@link CredentialException} when the Secret cannot be used at all.
   */
  Lookup lookup(
      String field, ImageSyncSpec.SecretRef ref, String objectNamespace, String registryHost) {
    if (ref == null) {
      return repository -> new Credential.Anonymous();
    }
    String namespace =
        ref.namespace() == null || ref.namespace().isBlank() ? objectNamespace : ref.namespace();
    String secretName = namespace + "/" + ref.name();
    checkNamespace(field, namespace, objectNamespace, secretName);
    ObjectNode secret =
        kube.get(ApiResource.SECRETS, namespace, ref.name())
            .orElseThrow(() -> new CredentialException(notFound(field, secretName, registryHost)));
    DockerConfig config = parse(secret, field, secretName);
    return repository -> match(config, field, secretName, registryHost, repository);
  }

  /** Returns the credential for {@code registryHost}, or anonymous when {@code ref} is null. */
  Credential resolve(
      String field, ImageSyncSpec.SecretRef ref, String objectNamespace, String registryHost) {
    return resolve(field, ref, objectNamespace, registryHost, null);
  }

  /**
   * Returns the credential for {@code repository} on {@code registryHost}, or anonymous when {@code
   * ref} is null. An entry whose key carries a repository path applies to the repositories under
   * it; a null {@code repository} matches the registry as a whole.
   */
  Credential resolve(
      String field,
      ImageSyncSpec.SecretRef ref,
      String objectNamespace,
      String registryHost,
      String repository) {
    if (ref == null) {
      return new Credential.Anonymous();
    }
    String namespace =
        ref.namespace() == null || ref.namespace().isBlank() ? objectNamespace : ref.namespace();
    String secretName = namespace + "/" + ref.name();
    checkNamespace(field, namespace, objectNamespace, secretName);
    ObjectNode secret =
        kube.get(ApiResource.SECRETS, namespace, ref.name())
            .orElseThrow(() -> new CredentialException(notFound(field, secretName, registryHost)));
    return match(parse(secret, field, secretName), field, secretName, registryHost, repository);
  }

  private void checkNamespace(
      String field, String namespace, String objectNamespace, String secretName) {
    if (!namespace.equals(objectNamespace) && !allowCrossNamespace) {
      throw new CredentialException(
          field
              + " names Secret "
              + secretName
              + " in another namespace, which this operator does not allow: copy the Secret into "
              + objectNamespace
              + ", or start the operator with --allow-cross-namespace-secrets");
    }
  }

  private static String notFound(String field, String secretName, String registryHost) {
    String name = secretName.substring(secretName.indexOf('/') + 1);
    String namespace = secretName.substring(0, secretName.indexOf('/'));
    return "Secret "
        + secretName
        + " named by "
        + field
        + " was not found: create it with 'kubectl create secret docker-registry "
        + name
        + " -n "
        + namespace
        + " --docker-server="
        + registryHost
        + " --docker-username=USER --docker-password=PASSWORD'";
  }

  private static DockerConfig parse(ObjectNode secret, String field, String secretName) {
    String type = secret.path("type").asText("");
    byte[] config = decodedConfig(secret, type, secretName);
    try {
      return DockerConfig.parse(config);
    } catch (IllegalArgumentException e) {
      throw new CredentialException(
          "Secret "
              + secretName
              + " named by "
              + field
              + " is not a valid docker config: "
              + e.getMessage());
    }
  }

  private static Credential match(
      DockerConfig dockerConfig,
      String field,
      String secretName,
      String registryHost,
      String repository) {
    Optional<Credential> credential = dockerConfig.credentialFor(registryHost, repository);
    String target = repository == null ? registryHost : registryHost + "/" + repository;
    return credential.orElseThrow(
        () ->
            new CredentialException(
                "Secret "
                    + secretName
                    + " named by "
                    + field
                    + " has no entry for "
                    + target
                    + ": add one under \"auths\" whose key is "
                    + registryHost));
  }

  private static byte[] decodedConfig(ObjectNode secret, String type, String secretName) {
    JsonNode data = secret.path("data");
    // The data key decides, not the type: an Opaque Secret with a .dockerconfigjson key works too.
    if (data.hasNonNull(".dockerconfigjson")) {
      return decodeData(data.get(".dockerconfigjson"), secretName, ".dockerconfigjson");
    }
    if (data.hasNonNull(".dockercfg")) {
      // The legacy format is the "auths" map alone.
      String auths =
          new String(decodeData(data.get(".dockercfg"), secretName, ".dockercfg"), UTF_8);
      return ("{\"auths\":" + auths + "}").getBytes(UTF_8);
    }
    throw new CredentialException(
        "Secret "
            + secretName
            + " has type \""
            + type
            + "\" without its data key: use a Secret of type "
            + DOCKER_CONFIG_JSON
            + " with key .dockerconfigjson (kubectl create secret docker-registry makes one)");
  }

  // The decoder's message names the offending character, a piece of the secret, so it is dropped.
  private static byte[] decodeData(JsonNode value, String secretName, String key) {
    try {
      return Base64.getDecoder().decode(value.asText());
    } catch (IllegalArgumentException e) {
      throw new CredentialException(
          "Secret " + secretName + " has data key " + key + " that is not valid base64");
    }
  }
}
