package io.portager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.CloudIdentities;
import io.portager.cloud.LoopbackHttpClient;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.aws.Ecr;
import io.portager.cloud.gcp.FakeGoogle;
import io.portager.registry.Credential;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

class CloudMethodsTest {
  private static final String METADATA_TOKEN_PATH =
      "/computeMetadata/v1/instance/service-accounts/default/token";

  private static Ecr ecr() {
    return new Ecr(
        new Ecr.Settings(
            java.net.URI.create("http://127.0.0.1:9"),
            java.net.URI.create("http://127.0.0.1:9"),
            AnonymousCredentialsProvider.create(),
            Clock.systemUTC(),
            Duration.ofMinutes(15)));
  }

  @Test
  void registersEcrGarAndAcr() {
    try (Ecr ecr = ecr()) {
      CloudIdentities identities =
          CloudMethods.identities(
              ecr, Map.of(), LoopbackHttpClient.create(), Clock.systemUTC(), null);

      assertEquals(Set.of("ecr", "gar", "acr"), identities.methods());
    }
  }

  @Test
  void ecrCreatedOnceOnFirstUse() {
    AtomicInteger created = new AtomicInteger();
    List<Ecr> made = new ArrayList<>();
    CloudIdentities identities =
        CloudMethods.identities(
            () -> {
              created.incrementAndGet();
              Ecr ecr = ecr();
              made.add(ecr);
              return ecr;
            },
            Map.of(),
            LoopbackHttpClient.create(),
            Clock.systemUTC(),
            null);
    assertEquals(0, created.get(), "no ECR client before a sync names ecr");

    identities.tokenSource("ecr", CloudAuthOptions.NONE);
    identities.tokenSource("ecr", CloudAuthOptions.NONE);

    assertEquals(1, created.get());
    made.forEach(Ecr::close);
  }

  @Test
  void garSourceIsSharedAndFetchesOnce() {
    LoopbackHttpClient http = LoopbackHttpClient.create();
    try (Ecr ecr = ecr();
        FakeGoogle google = new FakeGoogle(Clock.systemUTC())) {
      CloudIdentities identities =
          CloudMethods.identities(
              ecr, Map.of("GCE_METADATA_HOST", google.host()), http, Clock.systemUTC(), null);

      RegistryTokenSource first =
          identities.tokenSource("gar", CloudAuthOptions.NONE).orElseThrow();
      RegistryTokenSource second =
          identities.tokenSource("gar", CloudAuthOptions.NONE).orElseThrow();
      int beforeFirstCredential = google.endpoint().requests(METADATA_TOKEN_PATH).size();
      Credential fromFirst = first.credential("europe-docker.pkg.dev");
      Credential fromSecond = second.credential("gcr.io");

      assertSame(first, second);
      assertEquals(0, beforeFirstCredential);
      assertEquals(fromFirst, fromSecond);
      assertEquals(1, google.endpoint().requests(METADATA_TOKEN_PATH).size());
      assertTrue(http.refused().isEmpty(), http.refused().toString());
    }
  }

  @Test
  void acrMissingVariablesFailEachRequest() {
    try (Ecr ecr = ecr()) {
      CloudIdentities identities =
          CloudMethods.identities(
              ecr, Map.of(), LoopbackHttpClient.create(), Clock.systemUTC(), null);
      RegistryTokenSource source =
          identities.tokenSource("acr", CloudAuthOptions.NONE).orElseThrow();

      CloudCredentialException first =
          assertThrows(CloudCredentialException.class, () -> source.credential("a.azurecr.io"));
      CloudCredentialException second =
          assertThrows(CloudCredentialException.class, () -> source.credential("a.azurecr.io"));

      assertTrue(first.getMessage().contains("AZURE_CLIENT_ID"), first.getMessage());
      assertEquals(first.getMessage(), second.getMessage());
    }
  }
}
