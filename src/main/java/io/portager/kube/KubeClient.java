package io.portager.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The Kubernetes API operations the operator uses, over {@code java.net.http}. Objects are Jackson
 * trees; callers map them to records. Every method throws {@link KubeApiException} for a failed
 * request, which tells whether a retry can help.
 */
public interface KubeClient {
  /** Returns the object, or empty when the server returns 404. */
  Optional<ObjectNode> get(ApiResource resource, String namespace, String name);

  /**
   * Lists one page; {@code namespace} null means all namespaces. Returns the list object with
   * {@code items} and {@code metadata.resourceVersion} / {@code metadata.continue}.
   */
  ObjectNode list(
      ApiResource resource, String namespace, String resourceVersion, String continueToken);

  /**
   * Lists every object with a consistent read, following {@code metadata.continue} across pages. An
   * expired continue token (410) restarts the list from the first page a few times before the error
   * is thrown. Watch from the returned resourceVersion to see every later change.
   */
  default ListResult listAll(ApiResource resource, String namespace) {
    return ListPager.listAll(this, resource, namespace);
  }

  /**
   * Opens a watch from {@code resourceVersion} with bookmarks and the given server timeout. The
   * returned stream yields events until the server closes it; close it to stop early.
   */
  WatchStream watch(
      ApiResource resource, String namespace, String resourceVersion, int timeoutSeconds);

  ObjectNode create(ApiResource resource, String namespace, ObjectNode object);

  /** PUT of the whole object; the object must carry {@code metadata.resourceVersion}. */
  ObjectNode update(ApiResource resource, String namespace, ObjectNode object);

  /** PUT to the status subresource; the object must carry {@code metadata.resourceVersion}. */
  ObjectNode updateStatus(ApiResource resource, String namespace, ObjectNode object);

  /**
   * Reads the object, applies {@code mutate} to a copy and writes its status, re-reading and
   * re-applying on 409 Conflict up to a bounded number of tries. Returns the written object, or
   * empty when the object no longer exists.
   */
  Optional<ObjectNode> updateStatusWithRetry(
      ApiResource resource, String namespace, String name, UnaryOperator<ObjectNode> mutate);

  /**
   * Like {@link #updateStatusWithRetry(ApiResource, String, String, UnaryOperator)}, but the first
   * try applies {@code mutate} to a copy of {@code known}, an object this caller read or wrote
   * lately, and writes without reading first. Its resourceVersion guards the write: a 409 Conflict
   * means it was stale, and the next tries read the object again. A null {@code known} reads first.
   */
  default Optional<ObjectNode> updateStatusWithRetry(
      ApiResource resource,
      String namespace,
      String name,
      ObjectNode known,
      UnaryOperator<ObjectNode> mutate) {
    return updateStatusWithRetry(resource, namespace, name, mutate);
  }

  /** PATCH with {@code application/merge-patch+json} or {@code application/json-patch+json}. */
  ObjectNode patch(
      ApiResource resource, String namespace, String name, PatchType type, String body);

  /** Patch content types the API server accepts for custom resources. */
  enum PatchType {
    MERGE("application/merge-patch+json"),
    JSON("application/json-patch+json");

    public final String contentType;

    PatchType(String contentType) {
      this.contentType = contentType;
    }
  }
}
