package io.portager.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.portager.oci.Digest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/** A registry over https on 127.0.0.1 that serves one open manifest under any name and tag. */
final class HttpsRegistry implements AutoCloseable {
  private final HttpsServer server;

  HttpsRegistry(SSLContext tls) throws IOException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] manifest = TokenAuthRegistry.MANIFEST;
      exchange
          .getResponseHeaders()
          .set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
      exchange
          .getResponseHeaders()
          .set("Docker-Content-Digest", Digest.sha256(manifest).toString());
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(manifest.length));
      exchange.sendResponseHeaders(200, -1);
    }
  }
}
