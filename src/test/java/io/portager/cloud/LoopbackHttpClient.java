package io.portager.cloud;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An HttpClient for tests of cloud credential sources that sends only to 127.0.0.1 and fails every
 * other request before it leaves, so a wrong default (metadata.google.internal,
 * login.microsoftonline.com, a registry's real host) can never reach a real endpoint. The refused
 * URIs are recorded, so a test can assert that a source tried one.
 */
public final class LoopbackHttpClient extends HttpClient {
  private final HttpClient delegate =
      HttpClient.newBuilder()
          .proxy(HttpClient.Builder.NO_PROXY)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<URI> refused = new CopyOnWriteArrayList<>();

  public static LoopbackHttpClient create() {
    return new LoopbackHttpClient();
  }

  /** Returns the URIs of requests refused because they did not go to loopback. */
  public List<URI> refused() {
    return List.copyOf(refused);
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    check(request.uri());
    return delegate.send(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      check(request.uri());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return delegate.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    try {
      check(request.uri());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return delegate.sendAsync(request, handler, pushPromiseHandler);
  }

  // Only literal loopback addresses pass: a name is never resolved, so no DNS query leaves either.
  private void check(URI uri) throws IOException {
    String host = uri.getHost();
    boolean loopback = false;
    if (host != null && (host.equals("127.0.0.1") || host.equals("[::1]"))) {
      try {
        loopback = InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        loopback = false;
      }
    }
    if (!loopback) {
      refused.add(uri);
      throw new IOException("test client refused a request to non-loopback host " + host);
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return Redirect.NEVER;
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
