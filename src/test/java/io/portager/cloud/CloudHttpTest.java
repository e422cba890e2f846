package io.portager.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudHttpTest {
  private final FakeEndpoint endpoint = FakeEndpoint.start();
  private final CloudHttp http =
      new CloudHttp(
          LoopbackHttpClient.create(),
          root -> CloudHttp.join(CloudHttp.optionalText(root, "error"), null));

  @AfterEach
  void stop() {
    endpoint.close();
  }

  private CloudCredentialException failPost(URI uri) {
    return assertThrows(
        CloudCredentialException.class,
        () -> http.postForm("get token", uri, Map.of("a", "b"), Map.of(), "check the grant"));
  }

  @Test
  void postFormSendsEncodedForm() {
    endpoint.handle("/token", request -> FakeEndpoint.Response.json(200, Map.of("ok", "yes")));

    JsonNode root =
        http.postForm("get token", endpoint.uri("/token"), Map.of("scope", "a b&c"), Map.of(), "");

    assertEquals("yes", root.path("ok").asText());
    assertEquals("a b&c", endpoint.requests("/token").get(0).form().get("scope"));
  }

  @Test
  void clientErrorNamesErrorAndHint() {
    endpoint.handle(
        "/token", request -> FakeEndpoint.Response.json(400, Map.of("error", "invalid_grant")));

    CloudCredentialException e = failPost(endpoint.uri("/token"));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("returned HTTP 400 (invalid_grant)"), e.getMessage());
    assertTrue(e.getMessage().endsWith("; check the grant"), e.getMessage());
  }

  @Test
  void serverErrorIsRetryableWithoutHint() {
    endpoint.handle("/token", request -> FakeEndpoint.Response.text(503, "unavailable"));

    CloudCredentialException e = failPost(endpoint.uri("/token"));

    assertTrue(e.retryable());
    assertTrue(e.getMessage().endsWith("returned HTTP 503"), e.getMessage());
  }

  @Test
  void longErrorTextIsShortened() {
    String description = "x".repeat(1000);
    endpoint.handle(
        "/token", request -> FakeEndpoint.Response.json(400, Map.of("error", description)));

    CloudCredentialException e = failPost(endpoint.uri("/token"));

    assertTrue(e.getMessage().contains("x".repeat(300) + "…)"), e.getMessage());
    assertFalse(e.getMessage().contains("x".repeat(301)), e.getMessage());
  }

  @Test
  void oversizedBodyIsRejected() {
    String big = "y".repeat(CloudHttp.BODY_LIMIT + 1);
    endpoint.handle("/token", request -> FakeEndpoint.Response.text(200, big));

    CloudCredentialException e = failPost(endpoint.uri("/token"));

    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("exceeds " + CloudHttp.BODY_LIMIT + " bytes"));
  }

  @Test
  void messagesDropTheQuery() {
    endpoint.handle("/token", request -> FakeEndpoint.Response.text(200, "not json"));
    URI uri = URI.create(endpoint.uri("/token") + "?sig=secret-value");

    CloudCredentialException e = failPost(uri);

    assertTrue(e.getMessage().contains("invalid JSON response from"), e.getMessage());
    assertFalse(e.getMessage().contains("secret-value"), e.getMessage());
  }
}
