package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.kube.ApiResource;
import io.portager.kube.KubeClient;
import io.portager.kube.WatchStream;
import io.portager.registry.Credential;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CredentialResolverTest {
  private static final String FIELD = "spec.source.authSecretRef";
  private static final String HOST = "registry.example.com";
  private static final String PASSWORD = "hunter2-resolver";

  private final FakeSecrets kube = new FakeSecrets();

  @Test
  void dockerConfigJsonSecret() {
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", config());

    Credential credential = resolver(false).resolve(FIELD, ref("pull", null), "apps", HOST);

    assertEquals(new Credential.Basic("bob", PASSWORD), credential);
    assertEquals(List.of("secrets apps/pull"), kube.gets);
  }

  @Test
  void legacyDockerCfgSecret() {
    String auths = "{\"https://" + HOST + "/v1/\":{\"auth\":\"" + auth("bob:" + PASSWORD) + "\"}}";
    kube.put("apps", "pull", CredentialResolver.DOCKER_CFG, ".dockercfg", auths);

    Credential credential = resolver(false).resolve(FIELD, ref("pull", null), "apps", HOST);

    assertEquals(new Credential.Basic("bob", PASSWORD), credential);
  }

  @Test
  void repositoryPathSelectsEntry() {
    String json =
        "{\"auths\":{\""
            + HOST
            + "\":{\"auth\":\""
            + auth("all:x")
            + "\"},\""
            + HOST
            + "/team-a\":{\"auth\":\""
            + auth("team:y")
            + "\"}}}";
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", json);
    CredentialResolver resolver = resolver(false);

    assertEquals(
        new Credential.Basic("team", "y"),
        resolver.resolve(FIELD, ref("pull", null), "apps", HOST, "team-a/app"));
    assertEquals(
        new Credential.Basic("all", "x"),
        resolver.resolve(FIELD, ref("pull", null), "apps", HOST, "team-b/app"));
  }

  @Test
  void nullRefIsAnonymous() {
    assertEquals(new Credential.Anonymous(), resolver(false).resolve(FIELD, null, "apps", HOST));
    assertEquals(List.of(), kube.gets);
  }

  @Test
  void crossNamespaceRejectedByDefault() {
    kube.put(
        "shared", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", config());

    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> resolver(false).resolve(FIELD, ref("pull", "shared"), "apps", HOST));

    assertTrue(e.getMessage().contains("shared/pull"), e.getMessage());
    assertTrue(e.getMessage().contains("--allow-cross-namespace-secrets"), e.getMessage());
    assertEquals(List.of(), kube.gets, "a rejected Secret must not be read");
  }

  @Test
  void crossNamespaceAllowedByFlag() {
    kube.put(
        "shared", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", config());

    Credential credential = resolver(true).resolve(FIELD, ref("pull", "shared"), "apps", HOST);

    assertEquals(new Credential.Basic("bob", PASSWORD), credential);
  }

  @Test
  void sameNamespaceSpelledOutIsAllowed() {
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", config());

    Credential credential = resolver(false).resolve(FIELD, ref("pull", "apps"), "apps", HOST);

    assertEquals(new Credential.Basic("bob", PASSWORD), credential);
  }

  @Test
  void missingSecretNamesFix() {
    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> resolver(false).resolve(FIELD, ref("absent", null), "apps", HOST));

    assertTrue(e.getMessage().contains("Secret apps/absent named by " + FIELD), e.getMessage());
    assertTrue(e.getMessage().contains("was not found"), e.getMessage());
    assertTrue(e.getMessage().contains("kubectl create secret docker-registry"), e.getMessage());
  }

  @Test
  void wrongTypeNamesExpectedType() {
    kube.put("apps", "pull", "Opaque", "password", config());

    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> resolver(false).resolve(FIELD, ref("pull", null), "apps", HOST));

    assertTrue(e.getMessage().contains("\"Opaque\""), e.getMessage());
    assertTrue(e.getMessage().contains(CredentialResolver.DOCKER_CONFIG_JSON), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void opaqueSecretWithDockerConfigKeyWorks() {
    kube.put("apps", "pull", "Opaque", ".dockerconfigjson", config());

    Credential credential = resolver(false).resolve(FIELD, ref("pull", null), "apps", HOST);

    assertTrue(credential instanceof Credential.Basic, credential.toString());
  }

  @Test
  void noEntryForRegistry() {
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", config());

    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> resolver(false).resolve(FIELD, ref("pull", null), "apps", "other.example.com"));

    assertTrue(e.getMessage().contains("has no entry for other.example.com"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void invalidBase64DataHidesContent() {
    ObjectNode secret = secret(CredentialResolver.DOCKER_CONFIG_JSON);
    secret.with("data").put(".dockerconfigjson", "!!" + PASSWORD);
    kube.objects.put("apps/pull", secret);

    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> resolver(false).resolve(FIELD, ref("pull", null), "apps", HOST));

    assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void invalidJsonHidesContent() {
    String json = "{\"auths\":{\"" + HOST + "\":{\"password\":" + PASSWORD + "}}}";
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", json);

    CredentialException e =
        assertThrows(
            CredentialException.class,
            () -> resolver(false).resolve(FIELD, ref("pull", null), "apps", HOST));

    assertTrue(e.getMessage().contains("is not a valid docker config"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void changedSecretTakesEffect() {
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", config());
    CredentialResolver resolver = resolver(false);
    Credential before = resolver.resolve(FIELD, ref("pull", null), "apps", HOST);

    String changed =
        "{\"auths\":{\"" + HOST + "\":{\"username\":\"bob\",\"password\":\"rotated-pw\"}}}";
    kube.put("apps", "pull", CredentialResolver.DOCKER_CONFIG_JSON, ".dockerconfigjson", changed);
    Credential after = resolver.resolve(FIELD, ref("pull", null), "apps", HOST);

    assertEquals(new Credential.Basic("bob", PASSWORD), before);
    assertEquals(new Credential.Basic("bob", "rotated-pw"), after);
    assertEquals(2, kube.gets.size());
  }

  private CredentialResolver resolver(boolean allowCrossNamespace) {
    return new CredentialResolver(kube, allowCrossNamespace);
  }

  private static ImageSyncSpec.SecretRef ref(String name, String namespace) {
    return new ImageSyncSpec.SecretRef(name, namespace);
  }

  private static String config() {
    return "{\"auths\":{\"https://" + HOST + "\":{\"auth\":\"" + auth("bob:" + PASSWORD) + "\"}}}";
  }

  private static String auth(String pair) {
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode secret(String type) {
    ObjectNode secret = new ObjectMapper().createObjectNode();
    secret.put("type", type);
    secret.putObject("data");
    return secret;
  }

  /** A KubeClient that serves Secrets from a map; only {@code get} is implemented. */
  private static final class FakeSecrets implements KubeClient {
    final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    final List<String> gets = new ArrayList<>();

    void put(String namespace, String name, String type, String key, String content) {
      ObjectNode secret = secret(type);
      secret
          .with("data")
          .put(key, Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)));
      objects.put(namespace + "/" + name, secret);
    }

    @Override
    public Optional<ObjectNode> get(ApiResource resource, String namespace, String name) {
      gets.add(resource.plural() + " " + namespace + "/" + name);
      return Optional.ofNullable(objects.get(namespace + "/" + name)).map(ObjectNode::deepCopy);
    }

    @Override
    public ObjectNode list(
        ApiResource resource, String namespace, String resourceVersion, String continueToken) {
      throw new UnsupportedOperationException();
    }

    @Override
    public WatchStream watch(
        ApiResource resource, String namespace, String resourceVersion, int timeoutSeconds) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode create(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode update(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode updateStatus(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ObjectNode> updateStatusWithRetry(
        ApiResource resource, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode patch(
        ApiResource resource, String namespace, String name, PatchType type, String body) {
      throw new UnsupportedOperationException();
    }
  }
}
