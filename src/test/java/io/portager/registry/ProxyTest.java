package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyTest {
  @TempDir static Path certificates;

  private static TestCertificates ca;
  private static HttpsRegistry httpsRegistry;

  private final RegistryClientTest.MutableClock clock = new RegistryClientTest.MutableClock();
  private TestProxy proxy;
  private TokenAuthRegistry registry;

  @BeforeAll
  static void startHttps() throws Exception {
    ca = new TestCertificates(certificates);
    httpsRegistry = new HttpsRegistry(ca.serverContext());
  }

  @AfterAll
  static void stopHttps() {
    httpsRegistry.close();
  }

  @BeforeEach
  void start() throws Exception {
    proxy = new TestProxy();
    registry = new TokenAuthRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    registry.close();
  }

  @Test
  void plainHttpGoesThroughHttpProxy() {
    Registries registries = registries(Map.of("HTTP_PROXY", proxy.url()));

    assertTrue(headPlain(registries));

    assertTrue(
        proxy.requestLines.stream().anyMatch(l -> l.startsWith("HEAD http://" + registry.host())),
        proxy.requestLines.toString());
    assertTrue(registry.requests.contains("GET /token"), registry.requests.toString());
  }

  @Test
  void lowerCaseVariableIsRead() {
    Registries registries = registries(Map.of("http_proxy", proxy.url()));

    assertTrue(headPlain(registries));

    assertFalse(proxy.requestLines.isEmpty());
  }

  @Test
  void httpsTunnelsThroughConnect() {
    Registries registries = registries(Map.of("HTTPS_PROXY", proxy.url()));

    assertTrue(headHttps(registries));

    assertEquals(List.of("CONNECT " + httpsRegistry.host() + " HTTP/1.1"), proxy.requestLines);
  }

  @Test
  void httpsIgnoresHttpProxy() {
    Registries registries = registries(Map.of("HTTP_PROXY", proxy.url()));

    assertTrue(headHttps(registries));

    assertEquals(List.of(), proxy.requestLines);
  }

  @Test
  void noProxyBypasses() {
    Map<String, String> environment = new HashMap<>();
    environment.put("HTTP_PROXY", proxy.url());
    environment.put("HTTPS_PROXY", proxy.url());
    environment.put("NO_PROXY", "example.com, 127.0.0.1");
    Registries registries = registries(environment);

    assertTrue(headPlain(registries));
    assertTrue(headHttps(registries));

    assertEquals(List.of(), proxy.requestLines);
  }

  @Test
  void socksProxyIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> registries(Map.of("HTTPS_PROXY", "socks5://user:hidden-pw@127.0.0.1:1")));

    assertTrue(e.getMessage().startsWith("read HTTPS_PROXY: unsupported proxy scheme socks5"));
    assertFalse(e.getMessage().contains("hidden-pw"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*                      | https://registry.example.com/v2/    | true",
        "example.com            | https://registry.example.com/v2/    | true",
        "example.com            | https://example.com/v2/             | true",
        ".example.com           | https://example.com/v2/             | true",
        ".example.com           | https://registry.example.com/v2/    | true",
        "example.com            | https://badexample.com/v2/          | false",
        "registry.example.com:5000 | http://registry.example.com:5000/ | true",
        "registry.example.com:5000 | http://registry.example.com:5001/ | false",
        "registry.example.com:443  | https://registry.example.com/     | true",
        "10.1.2.3               | http://10.1.2.3:5000/               | true",
        "10.1.2.3               | http://10.1.2.4:5000/               | false",
        "10.0.0.0/8             | http://10.200.0.1/                  | true",
        "10.0.0.0/8             | http://11.0.0.1/                    | false",
        "10.0.0.0/8             | http://ten.example.com/             | false",
        "::1                    | http://[::1]:5000/                  | true",
        "[::1]:5000             | http://[::1]:5000/                  | true",
        "fd00::/8               | http://[fd12::1]/                   | true",
        "' other.com , Example.COM ' | https://registry.example.com/  | true",
        "other.com              | https://registry.example.com/       | false",
      })
  void noProxyMatching(String noProxy, String uri, boolean bypassed) {
    EnvironmentProxySelector selector =
        new EnvironmentProxySelector(Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", noProxy));

    assertEquals(bypassed, selector.bypasses(URI.create(uri)));
  }

  private Registries registries(Map<String, String> environment) {
    return new Registries(
        clock, new RegistrySettings(ca.secondCa, Duration.ofSeconds(30), environment));
  }

  private boolean headPlain(Registries registries) {
    return registries
        .client(registry.endpoint())
        .repository("app", new Credential.Anonymous())
        .headManifest("v1")
        .isPresent();
  }

  private static boolean headHttps(Registries registries) {
    return registries
        .client(new RegistryEndpoint(httpsRegistry.host(), false, false))
        .repository("app", new Credential.Anonymous())
        .headManifest("v1")
        .isPresent();
  }
}
