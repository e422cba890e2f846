package io.portager.cloud;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps an auth method name ({@code ecr}, {@code gar}, {@code acr}) to the factory of its {@link
 * RegistryTokenSource}. {@code Main} registers one line per supported method, for example {@code
 * identities.register("ecr", ecr::tokenSource)}, and an ImageSync that names a method without a
 * registration is reported as unsupported. Registration happens before the operator starts, so
 * lookups need no lock.
 */
public final class CloudIdentities {
  /** Makes the token source of one method for the settings of one ImageSync. */
  @FunctionalInterface
  public interface Factory {
    /**
     * Returns a token source for {@code options}. Called on every sync, so implementations share
     * their clients and token caches between calls instead of building new ones.
     */
    RegistryTokenSource create(CloudAuthOptions options);
  }

  private final Map<String, Factory> factories = new TreeMap<>();

  /** Registers {@code factory} for {@code method}, replacing an earlier registration. */
  public CloudIdentities register(String method, Factory factory) {
    factories.put(method, factory);
    return this;
  }

  public boolean isRegistered(String method) {
    return factories.containsKey(method);
  }

  public Set<String> methods() {
    return Set.copyOf(factories.keySet());
  }

  /** Returns a token source for {@code method}, or empty when no factory is registered for it. */
  public Optional<RegistryTokenSource> tokenSource(String method, CloudAuthOptions options) {
    Factory factory = factories.get(method);
    return factory == null ? Optional.empty() : Optional.of(factory.create(options));
  }
}
