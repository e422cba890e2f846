package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reads from a loopback socket whose peer writes on a script, like a blob body on the wire. */
class IdleTimeoutTest {
  /** Serves {@code chunks} one byte each, {@code pauseMillis} apart, then holds the connection. */
  private static ServerSocket serve(int chunks, long pauseMillis, CountDownLatch release)
      throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              try (Socket peer = server.accept();
                  OutputStream out = peer.getOutputStream()) {
                for (int i = 0; i < chunks; i++) {
                  out.write(1);
                  out.flush();
                  Thread.sleep(pauseMillis);
                }
                release.await(20, TimeUnit.SECONDS);
              } catch (IOException | InterruptedException e) {
                // The client closed the connection: the test is over.
              }
            });
    thread.setDaemon(true);
    thread.start();
    return server;
  }

  @Test
  void stalledBodyFailsAfterIdleTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket server = serve(1, 0, release);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      InputStream guarded =
          IdleTimeoutInputStream.wrap(
              socket.getInputStream(), Duration.ofSeconds(1), "get blob a@x");
      long start = System.nanoTime();

      assertEquals(1, guarded.read());
      IOException e = assertThrows(IOException.class, () -> guarded.read(new byte[100]));

      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertTrue(e.getMessage().contains("get blob a@x: no data for 1 s"), e.getMessage());
      assertTrue(seconds < 10, "took " + seconds + " s");
    } finally {
      release.countDown();
    }
  }

  @Test
  void steadyBodyIsNotInterrupted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ServerSocket server = serve(5, 400, release);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
      InputStream guarded =
          IdleTimeoutInputStream.wrap(socket.getInputStream(), Duration.ofSeconds(1), "get blob");

      int total = 0;
      for (int i = 0; i < 5; i++) {
        total += guarded.read() == 1 ? 1 : 0;
      }

      assertEquals(5, total);
      guarded.close();
    } finally {
      release.countDown();
    }
  }
}
