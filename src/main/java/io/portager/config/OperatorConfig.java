package io.portager.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator settings from command-line flags, each with an environment variable fallback ({@code
 * --workers} or {@code PORTAGER_WORKERS}). Flags win over the environment.
 */
public record OperatorConfig(
    String kubeconfig,
    List<String> namespaces,
    int workers,
    int tagConcurrency,
    boolean allowCrossNamespaceSecrets,
    String logFormat,
    String logLevel,
    boolean leaderElect,
    String leaderElectionNamespace,
    String leaderElectionId,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    InetSocketAddress healthAddress,
    String caBundle,
    boolean caBundleReplacesSystem,
    int registryMaxInFlight,
    double registryQps,
    InetSocketAddress metricsAddress) {

  /** One flag: its name, environment variable, default and help text. */
  private record Flag(String name, String defaultValue, String help, boolean isSwitch) {
    String env() {
      return "PORTAGER_" + name.toUpperCase().replace('-', '_');
    }
  }

  private static final List<Flag> FLAGS =
      List.of(
          new Flag(
              "kubeconfig",
              "",
              "kubeconfig file; empty uses in-cluster config, then"
                  + " $KUBECONFIG, then ~/.kube/config",
              false),
          new Flag(
              "namespace",
              "",
              "watch ImageSyncs in these comma-separated namespaces only; empty watches all",
              false),
          new Flag("workers", "2", "ImageSyncs reconciled at once", false),
          new Flag(
              "tag-concurrency",
              "8",
              "tags one ImageSync copies at once, and checks twice as many (each worker runs one"
                  + " ImageSync)",
              false),
          new Flag(
              "allow-cross-namespace-secrets",
              "false",
              "let an ImageSync use a Secret from another namespace",
              true),
          new Flag("log-format", "logfmt", "log line format: logfmt or json", false),
          new Flag("log-level", "info", "lowest level logged: debug, info, warn or error", false),
          new Flag(
              "leader-elect",
              "false",
              "run leader election on a Lease so only one replica reconciles",
              true),
          new Flag(
              "leader-election-namespace",
              "",
              "namespace of the Lease; empty uses the pod's namespace, else default",
              false),
          new Flag("leader-election-id", "portager-leader", "name of the Lease", false),
          new Flag(
              "lease-duration",
              "15s",
              "how long a Lease stays valid without renewal (ms, s or m)",
              false),
          new Flag(
              "renew-deadline",
              "10s",
              "how long the leader keeps trying to renew before it stops working",
              false),
          new Flag(
              "retry-period", "2s", "how often candidates and the leader try the Lease", false),
          new Flag(
              "health-address",
              ":8081",
              "host:port for /healthz and /readyz; an empty host listens on all interfaces",
              false),
          new Flag(
              "metrics-address",
              ":8080",
              "host:port for the Prometheus /metrics endpoint; an empty host listens on all"
                  + " interfaces, and an empty value turns metrics off",
              false),
          new Flag(
              "ca-bundle",
              "",
              "PEM file, or directory of .pem and .crt files, with CA certificates trusted for"
                  + " registries besides the system's; re-read when it changes",
              false),
          new Flag(
              "ca-bundle-mode",
              "append",
              "append: trust the bundle besides the system's CAs; replace: trust the bundle alone",
              false),
          new Flag(
              "registry-max-in-flight",
              "16",
              "requests the operator may have waiting for an answer from one registry at once",
              false),
          new Flag(
              "registry-qps",
              "0",
              "requests per second allowed to one registry, in bursts of up to one second's"
                  + " worth; 0 means no limit",
              false));

  /** Parses flags; throws IllegalArgumentException with a message that names the bad flag. */
  public static OperatorConfig parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (Flag flag : FLAGS) {
      values.put(flag.name(), env.getOrDefault(flag.env(), flag.defaultValue()));
    }
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String arg = rest.remove(0);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + arg + "\"; see --help");
      }
      String name = arg.substring(2);
      String value = null;
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      }
      Flag flag = find(name);
      if (value == null) {
        if (flag.isSwitch()) {
          value = "true";
        } else if (rest.isEmpty()) {
          throw new IllegalArgumentException("flag --" + name + " needs a value; see --help");
        } else {
          value = rest.remove(0);
        }
      }
      values.put(name, value);
    }
    return new OperatorConfig(
        values.get("kubeconfig"),
        namespaces(values.get("namespace")),
        positive("workers", values.get("workers")),
        positive("tag-concurrency", values.get("tag-concurrency")),
        bool("allow-cross-namespace-secrets", values.get("allow-cross-namespace-secrets")),
        oneOf("log-format", values.get("log-format"), "logfmt", "json"),
        oneOf("log-level", values.get("log-level"), "debug", "info", "warn", "error"),
        bool("leader-elect", values.get("leader-elect")),
        values.get("leader-election-namespace"),
        values.get("leader-election-id"),
        duration("lease-duration", values.get("lease-duration")),
        duration("renew-deadline", values.get("renew-deadline")),
        duration("retry-period", values.get("retry-period")),
        address("health-address", values.get("health-address")),
        values.get("ca-bundle").trim(),
        oneOf("ca-bundle-mode", values.get("ca-bundle-mode"), "append", "replace")
            .equals("replace"),
        positive("registry-max-in-flight", values.get("registry-max-in-flight")),
        rate("registry-qps", values.get("registry-qps")),
        values.get("metrics-address").isBlank()
            ? null
            : address("metrics-address", values.get("metrics-address")));
  }

  /** Splits a comma-separated list of namespace names, each a DNS-1123 label. */
  private static List<String> namespaces(String value) {
    List<String> namespaces = new ArrayList<>();
    for (String part : value.split(",")) {
      String namespace = part.trim();
      if (namespace.isEmpty()) {
        continue;
      }
      if (namespace.length() > 63 || !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        throw new IllegalArgumentException(
            "invalid --namespace \""
                + value
                + "\": \""
                + namespace
                + "\" is not a namespace name; use lower-case names separated by commas,"
                + " like team-a,team-b");
      }
      if (!namespaces.contains(namespace)) {
        namespaces.add(namespace);
      }
    }
    return List.copyOf(namespaces);
  }

  private static InetSocketAddress address(String name, String value) {
    String text = value.trim();
    int colon = text.lastIndexOf(':');
    try {
      if (colon >= 0) {
        int port = Integer.parseInt(text.substring(colon + 1));
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        if (port >= 0 && port <= 65535) {
          return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid --" + name + " \"" + value + "\": use host:port or :port, like :8081");
  }

  private static Duration duration(String name, String value) {
    String text = value.trim();
    try {
      if (text.endsWith("ms")) {
        return positive(Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2))));
      }
      if (text.endsWith("s")) {
        return positive(Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1))));
      }
      if (text.endsWith("m")) {
        return positive(Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1))));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid --" + name + " \"" + value + "\": use a whole number with ms, s or m, like 15s");
  }

  private static Duration positive(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new NumberFormatException("not positive");
    }
    return duration;
  }

  /** Returns the help text listing every flag with its variable and default. */
  public static String usage() {
    StringBuilder text = new StringBuilder("usage: portager [flags]\n\nflags:\n");
    for (Flag flag : FLAGS) {
      text.append(String.format("  --%-32s %s%n", flag.name(), flag.help()));
      text.append(
          String.format("  %-34s env %s, default \"%s\"%n", "", flag.env(), flag.defaultValue()));
    }
    return text.toString();
  }

  private static Flag find(String name) {
    for (Flag flag : FLAGS) {
      if (flag.name().equals(name)) {
        return flag;
      }
    }
    throw new IllegalArgumentException("unknown flag --" + name + "; see --help");
  }

  private static int positive(String name, String value) {
    try {
      int number = Integer.parseInt(value.trim());
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid --" + name + " \"" + value + "\": use a whole number of 1 or more");
  }

  private static double rate(String name, String value) {
    try {
      double rate = Double.parseDouble(value.trim());
      if (rate >= 0 && !Double.isInfinite(rate)) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid --" + name + " \"" + value + "\": use 0 (no limit) or a positive number");
  }

  private static boolean bool(String name, String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(
        "invalid --" + name + " \"" + value + "\": use true or false");
  }

  private static String oneOf(String name, String value, String... allowed) {
    for (String candidate : allowed) {
      if (candidate.equalsIgnoreCase(value.trim())) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(
        "invalid --" + name + " \"" + value + "\": use one of " + String.join(", ", allowed));
  }
}
