package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiResourceTest {
  private static final ApiResource THINGS = new ApiResource("example.com", "v1", "things", true);
  private static final ApiResource CLUSTER_THINGS =
      new ApiResource("example.com", "v1alpha1", "clusterthings", false);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "null",
      value = {
        "core namespaced object, secrets, ns, s1, /api/v1/namespaces/ns/secrets/s1",
        "core collection, secrets, ns, null, /api/v1/namespaces/ns/secrets",
        "core all namespaces, secrets, null, null, /api/v1/secrets",
        "core cluster-scoped, namespaces, null, ns, /api/v1/namespaces/ns",
        "group namespaced object, things, ns, t1, /apis/example.com/v1/namespaces/ns/things/t1",
        "group collection, things, ns, null, /apis/example.com/v1/namespaces/ns/things",
        "group all namespaces, things, null, null, /apis/example.com/v1/things",
        "group cluster-scoped object, clusterthings, null, c1, /apis/example.com/v1alpha1/clusterthings/c1",
        "cluster-scoped ignores namespace, clusterthings, ns, c1, /apis/example.com/v1alpha1/clusterthings/c1",
      })
  void buildsPath(String name, String plural, String namespace, String object, String expected) {
    ApiResource resource =
        switch (plural) {
          case "secrets" -> ApiResource.SECRETS;
          case "namespaces" -> ApiResource.NAMESPACES;
          case "things" -> THINGS;
          default -> CLUSTER_THINGS;
        };

    assertEquals(expected, resource.path(namespace, object));
  }

  @Test
  void buildsStatusPath() {
    assertEquals(
        "/apis/example.com/v1/namespaces/ns/things/t1/status", THINGS.statusPath("ns", "t1"));
  }

  @Test
  void apiVersionJoinsGroup() {
    assertEquals("v1", ApiResource.EVENTS.apiVersion());
    assertEquals("example.com/v1", THINGS.apiVersion());
  }

  @ParameterizedTest
  @CsvSource({"a/b", "..", "a?b", "a#b", "a%2Fb", "a b"})
  void rejectsUnsafeName(String name) {
    assertThrows(IllegalArgumentException.class, () -> THINGS.path("ns", name));
  }
}
