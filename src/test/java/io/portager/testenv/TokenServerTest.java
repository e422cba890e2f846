package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenServerTest {
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
