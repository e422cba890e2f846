package io.portager.registry;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Chooses a proxy from {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} as Go's
 * net/http reads them: upper case first, then lower case. An https URL uses only HTTPS_PROXY. A
 * NO_PROXY entry is {@code *}, a host or domain (with or without a leading dot, matching the domain
 * and its subdomains), a {@code host:port}, an IP literal or a CIDR block matched against IP
 * literal hosts. No DNS lookup happens here.
 *
 * <p>NOTE: credentials in a proxy URL are not sent. java.net.http sends {@code Proxy-Authorization}
 * only through a java.net.Authenticator, and JDK 17 disables Basic for https tunnels by default
 * (the {@code jdk.http.auth.tunneling.disabledSchemes} property), so proxy authentication would
 * work for plain http registries only.
 */
final class EnvironmentProxySelector extends ProxySelector {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Proxy httpProxy;
  private final Proxy httpsProxy;
  private final List<String> noProxy;
  private final boolean proxyCredentialsIgnored;

  EnvironmentProxySelector(Map<String, String> environment) {
    String http = variable(environment, "HTTP_PROXY");
    String https = variable(environment, "HTTPS_PROXY");
    this.httpProxy = http == null ? null : proxy(http, "HTTP_PROXY");
    this.httpsProxy = https == null ? null : proxy(https, "HTTPS_PROXY");
    this.noProxy = entries(variable(environment, "NO_PROXY"));
    this.proxyCredentialsIgnored = hasUserInfo(http) || hasUserInfo(https);
  }

  /** Whether the environment names any proxy; without one the client connects directly. */
  boolean configured() {
    return httpProxy != null || httpsProxy != null;
  }

  /** Whether a proxy URL carried credentials, which are not sent (see the class comment). */
  boolean proxyCredentialsIgnored() {
    return proxyCredentialsIgnored;
  }

  @Override
  public List<Proxy> select(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Proxy proxy = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : null;
    if (proxy == null || bypasses(uri)) {
      return List.of(Proxy.NO_PROXY);
    }
    return List.of(proxy);
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException e) {
    // The client reports the failure to its caller, and there is no other proxy to try.
  }

  /** Whether NO_PROXY sends a request for {@code uri} directly. */
  boolean bypasses(URI uri) {
    String host = stripBrackets(uri.getHost().toLowerCase(Locale.ROOT));
    int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    for (String entry : noProxy) {
      if (matches(entry, host, port)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String entry, String host, int port) {
    if (entry.equals("*")) {
      return true;
    }
    if (entry.contains("/")) {
      return inCidr(entry, host);
    }
    String entryHost = entry;
    int colon = entry.lastIndexOf(':');
    boolean bracketed = entry.startsWith("[");
    boolean hasPort =
        colon > 0 && (bracketed ? entry.indexOf(']') < colon : entry.indexOf(':') == colon);
    if (hasPort) {
      if (!entry.substring(colon + 1).equals(Integer.toString(port))) {
        return false;
      }
      entryHost = entry.substring(0, colon);
    }
    entryHost = stripBrackets(entryHost);
    if (entryHost.startsWith(".")) {
      entryHost = entryHost.substring(1);
    }
    if (isIpLiteral(entryHost) || isIpLiteral(host)) {
      return sameAddress(entryHost, host);
    }
    return host.equals(entryHost) || host.endsWith("." + entryHost);
  }

  private static boolean inCidr(String entry, String host) {
    int slash = entry.indexOf('/');
    String network = entry.substring(0, slash);
    if (!isIpLiteral(network) || !isIpLiteral(host)) {
      return false;
    }
    byte[] prefix = literal(network);
    byte[] address = literal(host);
    int bits;
    try {
      bits = Integer.parseInt(entry.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (prefix == null || address == null || prefix.length != address.length) {
      return false;
    }
    int width = prefix.length * 8;
    if (bits < 0 || bits > width) {
      return false;
    }
    BigInteger mask =
        BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE.shiftLeft(width - bits));
    return new BigInteger(1, prefix).and(mask).equals(new BigInteger(1, address).and(mask));
  }

  private static boolean sameAddress(String a, String b) {
    byte[] left = isIpLiteral(a) ? literal(a) : null;
    byte[] right = isIpLiteral(b) ? literal(b) : null;
    return left != null && right != null && java.util.Arrays.equals(left, right);
  }

  private static boolean isIpLiteral(String host) {
    return IPV4.matcher(host).matches() || host.contains(":");
  }

  // InetAddress.getByName resolves nothing for a literal, and callers pass literals only.
  private static byte[] literal(String host) {
    try {
      return InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String variable(Map<String, String> environment, String name) {
    String value = environment.get(name);
    if (value == null || value.isBlank()) {
      value = environment.get(name.toLowerCase(Locale.ROOT));
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static List<String> entries(String value) {
    List<String> result = new ArrayList<>();
    if (value == null) {
      return result;
    }
    for (String entry : value.split(",")) {
      String trimmed = entry.trim().toLowerCase(Locale.ROOT);
      if (!trimmed.isEmpty()) {
        result.add(trimmed);
      }
    }
    return result;
  }

  private static boolean hasUserInfo(String value) {
    return value != null && proxyUri(value, "").getRawUserInfo() != null;
  }

  // Messages name the variable but never its value, which may carry a password.
  private static Proxy proxy(String value, String variable) {
    URI uri = proxyUri(value, variable);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw new IllegalArgumentException(
          "read "
              + variable
              + ": unsupported proxy scheme "
              + scheme
              + ", want an http:// proxy URL (java.net.http supports no https or socks proxies)");
    }
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), port));
  }

  private static URI proxyUri(String value, String variable) {
    String withScheme = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = URI.create(withScheme);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("read " + variable + ": invalid proxy URL");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("read " + variable + ": proxy URL has no host");
    }
    return uri;
  }
}
