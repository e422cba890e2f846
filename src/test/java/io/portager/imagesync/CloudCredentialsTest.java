package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.CloudIdentities;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.RepositoryCreator;
import io.portager.cloud.RepositorySettings;
import io.portager.kube.EventRecorder;
import io.portager.registry.Credential;
import io.portager.sync.CopyOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dispatch from an auth method to a registered token source, and repository creation. */
class CloudCredentialsTest {
  private static final String HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final CopyOptions NO_OPTIONS = new CopyOptions(List.of(), false, List.of());

  /** A token source and repository creator that records its calls. */
  private static final class FakeCloud implements RegistryTokenSource, RepositoryCreator {
    final List<String> calls = new ArrayList<>();
    final CloudAuthOptions options;
    RuntimeException failure;

    FakeCloud(CloudAuthOptions options) {
      this.options = options;
    }

    @Override
    public Credential credential(String registryHost) {
      calls.add("credential " + registryHost + " " + options.roleArn());
      if (failure != null) {
        throw failure;
      }
      return new Credential.Basic("AWS", "token-for-" + registryHost);
    }

    @Override
    public Result ensureRepository(String host, String repository, RepositorySettings settings) {
      calls.add("ensure " + repository);
      if (failure != null) {
        throw failure;
      }
      return repository.endsWith("new") ? Result.CREATED : Result.EXISTED;
    }
  }

  private final List<FakeCloud> created = new ArrayList<>();
  private final CloudIdentities identities =
      new CloudIdentities()
          .register(
              "ecr",
              options -> {
                FakeCloud cloud = new FakeCloud(options);
                created.add(cloud);
                return cloud;
              });

  private AuthPlan ecr(String role) {
    return new AuthPlan("spec.destination.auth", "ecr", null, new CloudAuthOptions(role, null));
  }

  @Test
  void registeredMethodIsSupported() {
    CredentialResolver resolver = new CredentialResolver(null, false, identities);

    assertTrue(resolver.supports("ecr"));
    assertFalse(resolver.supports("gar"));
    assertFalse(resolver.supports("acr"));
  }

  @Test
  void lookupAsksSourceUpFrontAndPerRepository() {
    CredentialResolver resolver = new CredentialResolver(null, false, identities);

    CredentialResolver.Lookup lookup = resolver.lookup(ecr("arn:aws:iam::1:role/r"), "apps", HOST);

    assertEquals(new Credential.Basic("AWS", "token-for-" + HOST), lookup.forRepository("a"));
    assertEquals(new Credential.Basic("AWS", "token-for-" + HOST), lookup.forRepository("b"));
    String call = "credential " + HOST + " arn:aws:iam::1:role/r";
    assertEquals(List.of(call, call, call), created.get(0).calls);
  }

  @Test
  void cloudFailurePropagatesWithRetryability() {
    CloudIdentities failing =
        new CloudIdentities()
            .register(
                "ecr",
                options -> {
                  FakeCloud cloud = new FakeCloud(options);
                  cloud.failure =
                      new CloudCredentialException("ecr:GetAuthorizationToken denied", false);
                  return cloud;
                });
    CredentialResolver resolver = new CredentialResolver(null, false, failing);

    CloudCredentialException e =
        assertThrows(
            CloudCredentialException.class, () -> resolver.lookup(ecr(null), "apps", HOST));

    assertFalse(e.retryable());
  }

  @Test
  void secretAndAnonymousNeedNoRegistration() {
    CredentialResolver resolver = new CredentialResolver(null, false, new CloudIdentities());

    CredentialResolver.Lookup lookup =
        resolver.lookup(AuthPlan.anonymous("spec.source.auth"), "apps", HOST);

    assertEquals(new Credential.Anonymous(), lookup.forRepository("x"));
    assertTrue(resolver.repositoryCreator(AuthPlan.anonymous("spec.source.auth")).isEmpty());
  }

  @Test
  void ensuresEachRepositoryOnceAndRecordsEvents() {
    CredentialResolver resolver = new CredentialResolver(null, false, identities);
    RepositoryCreator creator = resolver.repositoryCreator(ecr(null)).orElseThrow();
    RecordingEvents events = new RecordingEvents();
    List<SyncPlan.TagJob> jobs =
        List.of(job("mirror/new", "1"), job("mirror/new", "2"), job("mirror/old", "1"));

    List<TagOutcome> failures =
        new DestinationRepositories(events).ensure(object(), plan(), creator, jobs);

    assertEquals(List.of(), failures);
    assertEquals(List.of("ensure mirror/new", "ensure mirror/old"), created.get(0).calls);
    assertEquals(2, events.messages.size());
    assertTrue(
        events.messages.get(0).startsWith("Normal RepoEnsured created"), events.messages.get(0));
    assertTrue(events.messages.get(1).contains("already existed"), events.messages.get(1));
  }

  @Test
  void failedRepositoryFailsItsTags() {
    FakeCloud creator = new FakeCloud(CloudAuthOptions.NONE);
    creator.failure = new CloudCredentialException("ecr:CreateRepository was denied", false);
    RecordingEvents events = new RecordingEvents();
    List<SyncPlan.TagJob> jobs = List.of(job("mirror/new", "1"), job("mirror/new", "2"));

    List<TagOutcome> failures =
        new DestinationRepositories(events).ensure(object(), plan(), creator, jobs);

    assertEquals(2, failures.size());
    assertFalse(failures.get(0).retryable());
    assertTrue(failures.get(0).authFailure());
    assertTrue(failures.get(0).error().contains("ecr:CreateRepository"), failures.get(0).error());
    assertEquals(1, events.messages.size());
    assertTrue(
        events.messages.get(0).startsWith("Warning RepoEnsureFailed"), events.messages.get(0));
  }

  private static SyncPlan.TagJob job(String repository, String tag) {
    return new SyncPlan.TagJob("alpine", tag, "library/alpine", repository, NO_OPTIONS);
  }

  private static SyncPlan plan() {
    return new SyncPlan(
        null,
        new RegistryLocation("docker.io", "library"),
        null,
        new RegistryLocation(HOST, ""),
        null,
        List.of(),
        List.of(),
        AuthPlan.anonymous("spec.source.auth"),
        new AuthPlan("spec.destination.auth", "ecr", null, CloudAuthOptions.NONE),
        RepositorySettings.DEFAULTS);
  }

  private static ObjectNode object() {
    return new ObjectMapper().createObjectNode();
  }

  private static final class RecordingEvents implements EventRecorder {
    final List<String> messages = new ArrayList<>();

    @Override
    public void record(ObjectNode involvedObject, Type type, String reason, String message) {
      messages.add(type + " " + reason + " " + message);
    }
  }
}
