package io.portager.cloud.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.RepositoryCreator;
import io.portager.cloud.RepositorySettings;
import io.portager.registry.Credential;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;

/**
 * ECR tokens and repositories against {@link FakeAws} on loopback. Every client has an explicit
 * loopback endpoint and explicit credentials, so no request can reach AWS or the instance metadata
 * address.
 */
class EcrTokenSourceTest {
  private static final String HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final String WEST_HOST = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
  private static final String ROLE = "arn:aws:iam::123456789012:role/portager-web";
  private static final String PUSH_ROLE = "arn:aws:iam::210987654321:role/portager-push";
  private static final AwsCredentialsProvider BASE =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBASE", "base-secret"));

  @TempDir Path dir;
  private FakeAws aws;
  private TestClock clock;
  private Ecr ecr;

  @BeforeEach
  void start() throws Exception {
    aws = new FakeAws();
    clock = new TestClock(Instant.now());
  }

  @AfterEach
  void stop() {
    if (ecr != null) {
      ecr.close();
    }
    aws.close();
  }

  private Ecr ecr(AwsCredentialsProvider base) {
    ecr =
        new Ecr(
            new Ecr.Settings(aws.endpoint(), aws.endpoint(), base, clock, Duration.ofMinutes(15)));
    return ecr;
  }

  @Test
  void webIdentityTokenBecomesEcrPassword() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "projected-sa-token");
    StsClient sts =
        StsClient.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(aws.endpoint())
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    AwsCredentialsProvider webIdentity =
        StsWebIdentityTokenFileCredentialsProvider.builder()
            .stsClient(sts)
            .webIdentityTokenFile(tokenFile)
            .roleArn(ROLE)
            .roleSessionName("portager")
            .build();
    aws.password("ecr-password-1");

    Credential credential = ecr(webIdentity).tokenSource(CloudAuthOptions.NONE).credential(HOST);

    assertEquals(new Credential.Basic("AWS", "ecr-password-1"), credential);
    FakeAws.Request assume = aws.requests("AssumeRoleWithWebIdentity").get(0);
    assertEquals("projected-sa-token", assume.form().get("WebIdentityToken"));
    assertEquals(ROLE, assume.form().get("RoleArn"));
    FakeAws.Request token = aws.requests("GetAuthorizationToken").get(0);
    assertEquals(FakeAws.accessKeyFor("AssumeRoleWithWebIdentity", 1), token.accessKeyId());
    assertEquals("us-east-1", token.region());
    assertEquals("ecr", token.service());
    assertEquals("123456789012", token.json().path("registryIds").path(0).asText());
  }

  /**
   * Runs the IRSA path as the SDK's default chain runs it. The auth module's web identity provider
   * reads the token file and role from system properties. Both clients find their loopback
   * endpoints through the SDK's standard aws.endpointUrlSts and aws.endpointUrlEcr properties, the
   * counterparts of AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_ECR.
   */
  @Test
  void sdkWebIdentityProviderAndEndpointProperties() throws Exception {
    Path tokenFile = dir.resolve("irsa-token");
    Files.writeString(tokenFile, "irsa-projected-token");
    Map<String, String> properties =
        Map.of(
            "aws.webIdentityTokenFile",
            tokenFile.toString(),
            "aws.roleArn",
            ROLE,
            "aws.roleSessionName",
            "portager",
            "aws.region",
            "us-east-1",
            "aws.endpointUrlSts",
            aws.endpoint().toString(),
            "aws.endpointUrlEcr",
            aws.endpoint().toString());
    properties.forEach(System::setProperty);
    try (WebIdentityTokenFileCredentialsProvider webIdentity =
        WebIdentityTokenFileCredentialsProvider.create()) {
      ecr = new Ecr(new Ecr.Settings(null, null, webIdentity, clock, Duration.ofMinutes(15)));

      Credential credential = ecr.tokenSource(CloudAuthOptions.NONE).credential(HOST);

      assertEquals(new Credential.Basic("AWS", "fake-ecr-password"), credential);
      FakeAws.Request assume = aws.requests("AssumeRoleWithWebIdentity").get(0);
      assertEquals("irsa-projected-token", assume.form().get("WebIdentityToken"));
      assertEquals(ROLE, assume.form().get("RoleArn"));
      FakeAws.Request token = aws.requests("GetAuthorizationToken").get(0);
      assertEquals(FakeAws.accessKeyFor("AssumeRoleWithWebIdentity", 1), token.accessKeyId());
      assertEquals("ecr", token.service());
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void tokenCachedUntilShortlyBeforeExpiry() {
    aws.expiresAt(clock.instant().plus(Duration.ofHours(12)));
    RegistryTokenSource source = ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    source.credential(HOST);
    source.credential(HOST + ":443");
    clock.advance(Duration.ofHours(11).plusMinutes(40));
    source.credential(HOST);
    int beforeRefresh = aws.requests("GetAuthorizationToken").size();
    clock.advance(Duration.ofMinutes(6));
    source.credential(HOST);

    assertEquals(1, beforeRefresh);
    assertEquals(2, aws.requests("GetAuthorizationToken").size());
  }

  @Test
  void failedRefreshKeepsValidCachedToken() {
    aws.expiresAt(clock.instant().plus(Duration.ofHours(12)));
    RegistryTokenSource source = ecr(BASE).tokenSource(CloudAuthOptions.NONE);
    Credential first = source.credential(HOST);
    clock.advance(Duration.ofHours(11).plusMinutes(50));
    aws.deny("GetAuthorizationToken");

    Credential during = source.credential(HOST);
    clock.advance(Duration.ofMinutes(11));

    assertEquals(first, during);
    assertEquals(2, aws.requests("GetAuthorizationToken").size());
    assertThrows(CloudCredentialException.class, () -> source.credential(HOST));
  }

  @Test
  void concurrentCallersShareOneFetch() throws Exception {
    aws.setLatency(Duration.ofMillis(200));
    Ecr shared = ecr(BASE);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Credential>> results = new ArrayList<>();

    try {
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> shared.tokenSource(CloudAuthOptions.NONE).credential(HOST)));
      }
      for (Future<Credential> result : results) {
        result.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(1, aws.requests("GetAuthorizationToken").size());
  }

  @Test
  void tokenCachedPerRegionAndRole() {
    Ecr shared = ecr(BASE);

    shared.tokenSource(CloudAuthOptions.NONE).credential(HOST);
    shared.tokenSource(CloudAuthOptions.NONE).credential(HOST);
    shared.tokenSource(CloudAuthOptions.NONE).credential(WEST_HOST);
    shared.tokenSource(new CloudAuthOptions(PUSH_ROLE, null)).credential(HOST);

    List<FakeAws.Request> tokens = aws.requests("GetAuthorizationToken");
    assertEquals(3, tokens.size());
    assertEquals("us-west-2", tokens.get(1).region());
  }

  @Test
  void assumesRoleOnTopOfBaseIdentity() {
    RegistryTokenSource source = ecr(BASE).tokenSource(new CloudAuthOptions(PUSH_ROLE, "ext-42"));

    source.credential(WEST_HOST);

    FakeAws.Request assume = aws.requests("AssumeRole").get(0);
    assertEquals("AKIDBASE", assume.accessKeyId());
    assertEquals("us-west-2", assume.region());
    assertEquals("sts", assume.service());
    assertEquals(PUSH_ROLE, assume.form().get("RoleArn"));
    assertEquals("ext-42", assume.form().get("ExternalId"));
    assertEquals(Ecr.ROLE_SESSION_NAME, assume.form().get("RoleSessionName"));
    FakeAws.Request token = aws.requests("GetAuthorizationToken").get(0);
    assertEquals(FakeAws.accessKeyFor("AssumeRole", 1), token.accessKeyId());
    assertEquals("us-west-2", token.region());
  }

  @Test
  void deniedTokenNamesIamAction() {
    aws.deny("GetAuthorizationToken");
    RegistryTokenSource source = ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    CloudCredentialException e =
        assertThrows(CloudCredentialException.class, () -> source.credential(HOST));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("allow ecr:GetAuthorizationToken"), e.getMessage());
  }

  @Test
  void deniedAssumeRoleNamesIamAction() {
    aws.deny("AssumeRole");
    RegistryTokenSource source = ecr(BASE).tokenSource(new CloudAuthOptions(PUSH_ROLE, null));

    CloudCredentialException e =
        assertThrows(CloudCredentialException.class, () -> source.credential(HOST));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("allow sts:AssumeRole on " + PUSH_ROLE), e.getMessage());
    assertTrue(aws.requests("GetAuthorizationToken").isEmpty());
  }

  @Test
  void unreachableEndpointIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + closedPort);
    ecr = new Ecr(new Ecr.Settings(closed, closed, BASE, clock, Duration.ofMinutes(15)));

    CloudCredentialException e =
        assertThrows(
            CloudCredentialException.class,
            () -> ecr.tokenSource(CloudAuthOptions.NONE).credential(HOST));

    assertTrue(e.retryable(), e.getMessage());
  }

  @Test
  void nonEcrHostIsRejected() {
    RegistryTokenSource source = ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    CloudCredentialException e =
        assertThrows(CloudCredentialException.class, () -> source.credential("ghcr.io"));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains(EcrHost.EXPECTED_FORM), e.getMessage());
    assertTrue(aws.requests().isEmpty());
  }

  @Test
  void createsMissingRepositoryWithSettings() {
    RepositoryCreator creator = (RepositoryCreator) ecr(BASE).tokenSource(CloudAuthOptions.NONE);
    RepositorySettings settings =
        new RepositorySettings(
            "IMMUTABLE", true, "KMS", "alias/portager", Map.of("team", "a", "env", "prod"));

    RepositoryCreator.Result first = creator.ensureRepository(HOST, "mirror/alpine", settings);
    RepositoryCreator.Result second = creator.ensureRepository(HOST, "mirror/alpine", settings);

    assertEquals(RepositoryCreator.Result.CREATED, first);
    assertEquals(RepositoryCreator.Result.ENSURED_BEFORE, second);
    assertEquals(
        List.of("DescribeRepositories", "CreateRepository"), FakeAws.operations(aws.requests()));
    FakeAws.Request create = aws.requests("CreateRepository").get(0);
    assertEquals("123456789012", create.json().path("registryId").asText());
    assertEquals("mirror/alpine", create.json().path("repositoryName").asText());
    assertEquals("IMMUTABLE", create.json().path("imageTagMutability").asText());
    assertTrue(create.json().path("imageScanningConfiguration").path("scanOnPush").asBoolean());
    assertEquals(
        "KMS", create.json().path("encryptionConfiguration").path("encryptionType").asText());
    assertEquals(
        "alias/portager", create.json().path("encryptionConfiguration").path("kmsKey").asText());
    assertEquals("env", create.json().path("tags").path(0).path("Key").asText());
    assertEquals("prod", create.json().path("tags").path(0).path("Value").asText());
    assertEquals("ecr", create.service());
  }

  @Test
  void existingRepositoryIsLeftAlone() {
    aws.addRepository("mirror/alpine");
    RepositoryCreator creator = (RepositoryCreator) ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    RepositoryCreator.Result result =
        creator.ensureRepository(HOST, "mirror/alpine", RepositorySettings.DEFAULTS);

    assertEquals(RepositoryCreator.Result.EXISTED, result);
    assertEquals(List.of("DescribeRepositories"), FakeAws.operations(aws.requests()));
  }

  @Test
  void concurrentCreationCountsAsExisted() {
    aws.addRepository("mirror/raced");
    aws.hideFromDescribe("mirror/raced");
    RepositoryCreator creator = (RepositoryCreator) ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    RepositoryCreator.Result result =
        creator.ensureRepository(HOST, "mirror/raced", RepositorySettings.DEFAULTS);

    assertEquals(RepositoryCreator.Result.EXISTED, result);
    assertEquals(
        List.of("DescribeRepositories", "CreateRepository"), FakeAws.operations(aws.requests()));
  }

  @Test
  void defaultSettingsSendNoOptionalFields() {
    RepositoryCreator creator = (RepositoryCreator) ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    creator.ensureRepository(HOST, "app", RepositorySettings.DEFAULTS);

    FakeAws.Request create = aws.requests("CreateRepository").get(0);
    assertFalse(create.json().has("imageTagMutability"), create.json().toString());
    assertFalse(create.json().has("encryptionConfiguration"), create.json().toString());
    assertFalse(create.json().has("tags"), create.json().toString());
  }

  @Test
  void deniedCreateNamesIamActionAndRetriesLater() {
    aws.deny("CreateRepository");
    RepositoryCreator creator = (RepositoryCreator) ecr(BASE).tokenSource(CloudAuthOptions.NONE);

    CloudCredentialException e =
        assertThrows(
            CloudCredentialException.class,
            () -> creator.ensureRepository(HOST, "app", RepositorySettings.DEFAULTS));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("allow ecr:CreateRepository"), e.getMessage());
    assertTrue(
        e.getMessage().contains("arn:aws:ecr:us-east-1:123456789012:repository/app"),
        e.getMessage());
    assertThrows(
        CloudCredentialException.class,
        () -> creator.ensureRepository(HOST, "app", RepositorySettings.DEFAULTS));
    assertEquals(2, aws.requests("CreateRepository").size());
  }

  /** A UTC clock that tests move by hand. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
