package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1. */
public final class Ports {
  /** Ports handed out by this JVM, so that two components never receive the same one. */
  private static final Set<Integer> ISSUED = new HashSet<>();

  private Ports() {}

  /**
   * Returns a port that was free a moment ago. Another process can still take it before the
   * component binds it, which is the usual race of this technique.
   */
  public static synchronized int free() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = bindAndRelease();
      if (ISSUED.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("find free port on 127.0.0.1: 50 attempts returned used ports");
  }

  private static int bindAndRelease() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("bind a free port on 127.0.0.1", e);
    }
  }
}
