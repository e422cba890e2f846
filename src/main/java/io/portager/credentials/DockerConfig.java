package io.portager.credentials;

import io.portager.registry.Credential;
import java.util.Optional;

/** The {@code auths} of a {@code .dockerconfigjson}, matched against registry hosts. */
public final class DockerConfig {
  /** Parses the JSON; throws IllegalArgumentException without echoing any secret value. */
  public static DockerConfig parse(byte[] json) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Returns the credential for {@code registry} ({@code host[:port]}), if any entry matches. */
  public Optional<Credential> credentialFor(String registry) {
    throw new UnsupportedOperationException("TODO");
  }
}
