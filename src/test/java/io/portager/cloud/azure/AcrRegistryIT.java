package io.portager.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.cloud.LoopbackHttpClient;
import io.portager.registry.Credential;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryEndpoint;
import io.portager.sync.ImageCopier;
import io.portager.sync.TagResult;
import io.portager.testenv.FixtureImage;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.TokenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Copies an image into a real distribution registry in token auth mode whose token server accepts
 * the refresh tokens that the fake ACR exchange issues, in the OAuth2 POST form ACR uses, with the
 * credential from a federated token file.
 */
class AcrRegistryIT {
  private static final String REFRESH_USER = "acr-refresh-token";

  @Test
  void copiesImageWithExchangedRefreshToken() throws Exception {
    RunDirectory run = RunDirectory.create("acr-it");
    Skopeo skopeo = Skopeo.create(run);
    RegistryCredentials verifier = RegistryCredentials.of("verifier", "verifier-password");
    Path tokenFile = run.directory("acr-identity").resolve("azure-identity-token");
    Files.writeString(tokenFile, "federated-token-1");

    try (FakeAzure azure = new FakeAzure(Clock.systemUTC());
        TokenServer tokenServer =
            TokenServer.start(
                run,
                "acr-token",
                Map.of(verifier.username(), verifier.password()),
                Duration.ofMinutes(5));
        OciRegistry origin =
            OciRegistry.start(
                run, "acr-origin", OciRegistry.Implementation.DISTRIBUTION_2, RegistryAuth.none());
        OciRegistry acr =
            OciRegistry.start(
                run,
                "acr-registry",
                OciRegistry.Implementation.DISTRIBUTION_2,
                RegistryAuth.token(tokenServer))) {
      azure.onRefreshToken(token -> tokenServer.acceptRefreshToken(token, REFRESH_USER));
      AcrTokenSource source =
          AcrTokenSource.fromEnvironment(
              Map.of(
                  "AZURE_FEDERATED_TOKEN_FILE",
                  tokenFile.toString(),
                  "AZURE_CLIENT_ID",
                  FakeAzure.CLIENT_ID,
                  "AZURE_TENANT_ID",
                  FakeAzure.TENANT,
                  "AZURE_AUTHORITY_HOST",
                  azure.authorityHost()),
              LoopbackHttpClient.create(),
              Clock.systemUTC(),
              azure::exchangeUri);
      FixtureImage fixture =
          Fixtures.dockerSchema2Image(run.directory("acr-fixture"), "1.0", "acr-it");
      Fixtures.PushedImage pushed =
          Fixtures.push(
              skopeo, fixture, origin.host(), "app", "1.0", RegistryCredentials.anonymous());
      RegistryClient from = new RegistryClient(new RegistryEndpoint(origin.host(), true, false));
      RegistryClient to = new RegistryClient(new RegistryEndpoint(acr.host(), true, false));

      TagResult result =
          new ImageCopier()
              .sync(
                  from.repository("app", new Credential.Anonymous()),
                  to.repository("team/app", source.credential(acr.host())),
                  "1.0");

      assertTrue(result.copied(), result.toString());
      assertEquals(pushed.digest(), result.destinationDigest().toString(), result.toString());
      assertEquals(pushed.digest(), skopeo.digest(acr.host() + "/team/app:1.0", verifier));
      List<TokenServer.TokenRequest> refreshGrants =
          tokenServer.requests().stream()
              .filter(request -> request.username().equals(REFRESH_USER))
              .toList();
      assertTrue(refreshGrants.size() > 0, tokenServer.requests().toString());
      assertTrue(refreshGrants.stream().allMatch(r -> r.status() == 200), refreshGrants.toString());
      assertTrue(
          tokenServer.requests().stream().noneMatch(r -> r.status() == 401),
          tokenServer.requests().toString());
      assertEquals(1, azure.endpoint().requests(FakeAzure.EXCHANGE_PATH).size());
    }
  }
}
