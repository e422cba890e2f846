package io.portager.cloud.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portager.cloud.LoopbackHttpClient;
import io.portager.registry.Credential;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryEndpoint;
import io.portager.registry.RegistryException;
import io.portager.sync.ImageCopier;
import io.portager.sync.TagResult;
import io.portager.testenv.FixtureImage;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Copies an image into a real distribution registry whose htpasswd user {@code oauth2accesstoken}
 * has the fake Google token endpoint's access token as its password, the way Artifact Registry
 * accepts access tokens, with the credential from a service account key file.
 */
class GoogleRegistryIT {
  @Test
  void copiesImageWithServiceAccountToken() {
    RunDirectory run = RunDirectory.create("gcp-it");
    Skopeo skopeo = Skopeo.create(run);
    try (FakeGoogle google = new FakeGoogle(Clock.systemUTC())) {
      GoogleTokenSource source =
          GoogleTokenSource.fromEnvironment(
              Map.of(
                  "GOOGLE_APPLICATION_CREDENTIALS",
                  google.writeServiceAccountKey(run.directory("gcp-key")).toString()),
              LoopbackHttpClient.create(),
              Clock.systemUTC());
      Credential.Basic credential = (Credential.Basic) source.credential("us-docker.pkg.dev");
      RegistryCredentials tokenUser =
          RegistryCredentials.of(credential.username(), credential.password());

      try (OciRegistry origin =
              OciRegistry.start(
                  run,
                  "gcp-origin",
                  OciRegistry.Implementation.DISTRIBUTION_3,
                  RegistryAuth.none());
          OciRegistry artifactRegistry =
              OciRegistry.start(
                  run,
                  "gcp-artifact-registry",
                  OciRegistry.Implementation.DISTRIBUTION_3,
                  RegistryAuth.htpasswd(Map.of(tokenUser.username(), tokenUser.password())))) {
        FixtureImage fixture =
            Fixtures.twoPlatformIndex(run.directory("gcp-fixture"), "1.0", "gcp-it");
        Fixtures.PushedImage pushed =
            Fixtures.push(
                skopeo, fixture, origin.host(), "app", "1.0", RegistryCredentials.anonymous());
        RegistryClient from = new RegistryClient(new RegistryEndpoint(origin.host(), true, false));
        RegistryClient to =
            new RegistryClient(new RegistryEndpoint(artifactRegistry.host(), true, false));
        Credential wrong = new Credential.Basic("oauth2accesstoken", "ya29.not-issued");

        assertThrows(
            RegistryException.class,
            () ->
                new ImageCopier()
                    .sync(
                        from.repository("app", new Credential.Anonymous()),
                        to.repository("project/repo/app", wrong),
                        "1.0"));
        TagResult result =
            new ImageCopier()
                .sync(
                    from.repository("app", new Credential.Anonymous()),
                    to.repository("project/repo/app", source.credential(artifactRegistry.host())),
                    "1.0");

        assertEquals(pushed.digest(), result.destinationDigest().toString(), result.toString());
        assertEquals(true, result.copied(), result.toString());
        assertEquals(
            pushed.digest(),
            skopeo.digest(artifactRegistry.host() + "/project/repo/app:1.0", tokenUser));
        assertEquals(1, google.endpoint().requests(FakeGoogle.OAUTH_PATH).size());
      }
    }
  }
}
