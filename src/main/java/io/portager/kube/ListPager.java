package io.portager.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Collects a paged list, restarting when the continue token has expired. */
final class ListPager {
  /**
   * Restarts after an expired continue token. A token expires when etcd compacts its revision,
   * every five minutes by default, so repeated expiry means paging is far too slow and the caller's
   * backoff handles it better.
   */
  static final int MAX_RESTARTS = 3;

  private ListPager() {}

  static ListResult listAll(KubeClient client, ApiResource resource, String namespace) {
    for (int restart = 0; ; restart++) {
      try {
        return collect(client, resource, namespace);
      } catch (ExpiredContinueToken e) {
        if (restart >= MAX_RESTARTS) {
          throw e.error;
        }
      }
    }
  }

  // Pages after the first send only the continue token: it pins the list's resourceVersion, and
  // the API server rejects a request that sets both.
  private static ListResult collect(KubeClient client, ApiResource resource, String namespace) {
    List<ObjectNode> items = new ArrayList<>();
    String resourceVersion = "";
    String continueToken = null;
    do {
      ObjectNode page = listPage(client, resource, namespace, continueToken);
      for (JsonNode item : page.path("items")) {
        if (item instanceof ObjectNode object) {
          items.add(object);
        }
      }
      JsonNode metadata = page.path("metadata");
      resourceVersion = metadata.path("resourceVersion").asText("");
      continueToken = metadata.path("continue").asText("");
    } while (!continueToken.isEmpty());
    return new ListResult(items, resourceVersion);
  }

  private static ObjectNode listPage(
      KubeClient client, ApiResource resource, String namespace, String continueToken) {
    try {
      return client.list(resource, namespace, null, continueToken);
    } catch (KubeApiException e) {
      if (continueToken != null && e.isGone()) {
        throw new ExpiredContinueToken(e);
      }
      throw e;
    }
  }

  /** Internal signal that the list must start over; never leaves this class. */
  private static final class ExpiredContinueToken extends RuntimeException {
    private final KubeApiException error;

    ExpiredContinueToken(KubeApiException error) {
      super(null, null, false, false);
      this.error = error;
    }
  }
}
