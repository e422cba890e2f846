package io.portager.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Every item of a list, gathered across pages, and the list's resourceVersion, from which a watch
 * continues without missing changes.
 */
public record ListResult(List<ObjectNode> items, String resourceVersion) {
  public ListResult {
    items = List.copyOf(items);
  }
}
