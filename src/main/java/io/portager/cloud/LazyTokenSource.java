package io.portager.cloud;

import io.portager.registry.Credential;
import java.util.function.Supplier;

/**
 * A token source that is created on its first credential request and shared afterwards, so an
 * operator whose ImageSyncs never name a method never reads that cloud's credential variables or
 * files. A creation that throws (a missing variable, an unreadable credential file) fails that
 * request only, and the next request tries again.
 */
public final class LazyTokenSource implements RegistryTokenSource {
  private final Supplier<? extends RegistryTokenSource> create;

  // Guarded by this: null until a creation succeeds, then never changed.
  private RegistryTokenSource source;

  public LazyTokenSource(Supplier<? extends RegistryTokenSource> create) {
    this.create = create;
  }

  @Override
  public Credential credential(String registryHost) {
    return source().credential(registryHost);
  }

  private synchronized RegistryTokenSource source() {
    if (source == null) {
      source = create.get();
    }
    return source;
  }
}
