package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenServerTest {
  @Test
  void refreshTokenPostNeedsRegisteredToken() throws Exception {
    RunDirectory run = RunDirectory.create("token-server-test");
    try (TokenServer server = TokenServer.start(run, "token", Map.of(), Duration.ofMinutes(5))) {
      String form =
          "grant_type=refresh_token&service=registry&scope=repository%3Aapp%3Apull"
              + "&refresh_token=refresh-1&client_id=test";

      HttpResponse<String> unknown = post(server, form);
      server.acceptRefreshToken("refresh-1", "refresh-user");
      HttpResponse<String> known = post(server, form);
      HttpResponse<String> password = post(server, "grant_type=password&service=registry");

      assertEquals(401, unknown.statusCode(), unknown.body());
      assertEquals(200, known.statusCode(), known.body());
      assertTrue(known.body().contains("\"access_token\""), known.body());
      assertEquals(404, password.statusCode(), password.body());
      TokenServer.TokenRequest granted = server.requests().get(1);
      assertEquals("refresh-user", granted.username());
      assertEquals(List.of("repository:app:pull"), granted.scopes());
    }
  }

  private static HttpResponse<String> post(TokenServer server, String form)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.realm()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    return HttpClient.newBuilder()
        .proxy(HttpClient.Builder.NO_PROXY)
        .build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void grantsRepositoryScopes() {
    List<Map<String, Object>> access =
        TokenServer.grantRepositoryScopes(
            List.of("repository:demo/app:pull,push", "repository:mirror/demo/app:pull"));

    assertEquals(
        List.of(
            Map.of("type", "repository", "name", "demo/app", "actions", List.of("pull", "push")),
            Map.of("type", "repository", "name", "mirror/demo/app", "actions", List.of("pull"))),
        access);
  }

  @Test
  void mergesRepeatedScopes() {
    List<Map<String, Object>> access =
        TokenServer.grantRepositoryScopes(List.of("repository:a:pull", "repository:a:push,pull"));

    assertEquals(
        List.of(Map.of("type", "repository", "name", "a", "actions", List.of("pull", "push"))),
        access);
  }

  @Test
  void keepsPortInRepositoryName() {
    List<Map<String, Object>> access =
        TokenServer.grantRepositoryScopes(List.of("repository:127.0.0.1:5000/a:pull"));

    assertEquals("127.0.0.1:5000/a", access.get(0).get("name"));
  }

  @Test
  void splitsSpaceSeparatedScopes() {
    List<Map<String, Object>> access =
        TokenServer.grantRepositoryScopes(List.of("repository:a:pull repository:b:push"));

    assertEquals(2, access.size());
  }

  @Test
  void dropsOtherResourceTypes() {
    List<Map<String, Object>> access =
        TokenServer.grantRepositoryScopes(List.of("registry:catalog:*", "garbage"));

    assertEquals(List.of(), access);
  }
}
