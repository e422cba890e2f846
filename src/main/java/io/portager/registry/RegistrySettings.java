package io.portager.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Transport settings shared by every registry client.
 *
 * @param caBundle a PEM file with one or more CA certificates, or a directory of {@code *.pem} and
 *     {@code *.crt} files, trusted besides the system's CAs; null for the system's CAs only
 * @param caBundleCheckInterval how often at most the bundle's modification time is checked, so a
 *     replaced bundle takes effect without a restart
 * @param proxyEnvironment the environment to read {@code HTTPS_PROXY}, {@code HTTP_PROXY} and
 *     {@code NO_PROXY} (or their lower-case forms) from; empty for direct connections
 * @param limits the request limits and upload chunk size of each endpoint's client
 * @param trustSystemCas whether the system's CAs are trusted besides the bundle; false trusts the
 *     bundle alone
 */
public record RegistrySettings(
    Path caBundle,
    Duration caBundleCheckInterval,
    Map<String, String> proxyEnvironment,
    ClientLimits limits,
    boolean trustSystemCas) {
  public static final Duration DEFAULT_CA_BUNDLE_CHECK_INTERVAL = Duration.ofSeconds(30);

  public RegistrySettings {
    proxyEnvironment = Map.copyOf(proxyEnvironment);
    if (caBundleCheckInterval == null) {
      caBundleCheckInterval = DEFAULT_CA_BUNDLE_CHECK_INTERVAL;
    }
    if (limits == null) {
      limits = ClientLimits.DEFAULT;
    }
    if (!trustSystemCas && caBundle == null) {
      throw new IllegalArgumentException(
          "registry settings: trusting no system CA needs a CA bundle, or no registry is trusted");
    }
  }

  /** Settings that trust the system's CAs besides the bundle. */
  public RegistrySettings(
      Path caBundle,
      Duration caBundleCheckInterval,
      Map<String, String> proxyEnvironment,
      ClientLimits limits) {
    this(caBundle, caBundleCheckInterval, proxyEnvironment, limits, true);
  }

  /** Settings with the default client limits. */
  public RegistrySettings(
      Path caBundle, Duration caBundleCheckInterval, Map<String, String> proxyEnvironment) {
    this(caBundle, caBundleCheckInterval, proxyEnvironment, ClientLimits.DEFAULT);
  }

  /** System CAs only and direct connections: what the constructors without settings use. */
  public static RegistrySettings defaults() {
    return new RegistrySettings(null, DEFAULT_CA_BUNDLE_CHECK_INTERVAL, Map.of());
  }
}
