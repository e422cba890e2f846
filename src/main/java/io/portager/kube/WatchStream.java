package io.portager.kube;

import java.util.Optional;

/** An open watch connection; {@link #next} blocks for the next event. */
public interface WatchStream extends AutoCloseable {
  /** Returns the next event, or empty when the server ended the stream normally. */
  Optional<WatchEvent> next();

  @Override
  void close();
}
