package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.cloud.CloudAuthOptions;
import io.portager.registry.RegistryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The permission that a 401 or 403 from a registry reached with a cloud identity names. */
class CloudAuthHintsTest {
  private static final String SOURCE = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final String DESTINATION = "europe-docker.pkg.dev";
  private static final String ROLE = "arn:aws:iam::123456789012:role/pull";

  private static AuthPlan auth(String side, String method) {
    String role = method.equals("ecr") ? ROLE : null;
    return new AuthPlan("spec." + side + ".auth", method, null, new CloudAuthOptions(role, null));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ecr|gar|source|ecr:BatchGetImage",
        "ecr|gar|source|" + ROLE,
        "ecr|gar|destination|roles/artifactregistry.writer",
        "gar|ecr|source|roles/artifactregistry.reader",
        "ecr|ecr|destination|ecr:PutImage",
        "acr|acr|source|AcrPull",
        "acr|acr|destination|AcrPush",
      })
  void authFailureNamesRoleToGrant(
      String sourceMethod, String destinationMethod, String failedSide, String expected) {
    String host = failedSide.equals("source") ? SOURCE : DESTINATION;
    RegistryException e =
        new RegistryException(
            403, "DENIED", "HEAD https://" + host + "/v2/team/app/manifests/1 returned 403", null);

    String message =
        SyncRunner.explain(
            e,
            auth("source", sourceMethod),
            SOURCE,
            auth("destination", destinationMethod),
            DESTINATION);

    assertTrue(message.contains(expected), message);
    assertFalse(message.contains("Secret"), message);
  }

  @ParameterizedTest
  @CsvSource({"source", "destination"})
  void secretSideKeepsSecretHint(String failedSide) {
    String host = failedSide.equals("source") ? SOURCE : DESTINATION;
    RegistryException e =
        new RegistryException(
            403, "DENIED", "HEAD https://" + host + "/v2/team/app/manifests/1 returned 403", null);

    String message =
        SyncRunner.explain(
            e, auth("source", "secret"), SOURCE, auth("destination", "secret"), DESTINATION);

    assertTrue(message.contains("check that the Secret"), message);
  }
}
