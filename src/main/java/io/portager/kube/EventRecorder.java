package io.portager.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Records core/v1 Events about an object so that {@code kubectl describe} shows them: the
 * involvedObject carries apiVersion, kind, name, namespace and uid of the object.
 */
public interface EventRecorder {
  enum Type {
    Normal,
    Warning
  }

  /** Records an event; failures are logged, never thrown, so they cannot stop a reconcile. */
  void record(ObjectNode involvedObject, Type type, String reason, String message);
}
