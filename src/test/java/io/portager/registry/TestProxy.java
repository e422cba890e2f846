package io.portager.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A forwarding HTTP proxy on 127.0.0.1 that only reaches 127.0.0.1. A CONNECT opens a tunnel; any
 * other request is passed on as sent (absolute-form, which the JDK's HttpServer accepts). It
 * records the first line of each connection.
 */
final class TestProxy implements AutoCloseable {
  final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());

  private final ServerSocket server;
  private final Thread acceptor;

  TestProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    acceptor = new Thread(this::accept, "test-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread thread = new Thread(() -> serve(client), "test-proxy-connection");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String line = text.substring(0, text.indexOf("\r\n"));
      requestLines.add(line);
      String[] parts = line.split(" ");
      boolean connect = parts[0].equals("CONNECT");
      int port =
          connect ? portOf(parts[1]) : portOf(java.net.URI.create(parts[1]).getRawAuthority());
      String host =
          connect
              ? parts[1].substring(0, parts[1].lastIndexOf(':'))
              : java.net.URI.create(parts[1]).getHost();
      if (!host.equals("127.0.0.1")) {
        client
            .getOutputStream()
            .write("HTTP/1.1 403 Forbidden\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      try (Socket target = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
        if (connect) {
          client
              .getOutputStream()
              .write(
                  "HTTP/1.1 200 Connection established\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
        } else {
          target.getOutputStream().write(head);
        }
        Thread upstream = pipe(in, target.getOutputStream());
        in(target.getInputStream(), client.getOutputStream());
        upstream.interrupt();
      }
    } catch (IOException | RuntimeException e) {
      // A dropped connection ends the exchange; the test sees it through the client.
    }
  }

  private static Thread pipe(InputStream from, OutputStream to) {
    Thread thread =
        new Thread(
            () -> {
              try {
                in(from, to);
              } catch (IOException e) {
                // One side closed.
              }
            },
            "test-proxy-pipe");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void in(InputStream from, OutputStream to) throws IOException {
    byte[] buffer = new byte[8192];
    for (int n; (n = from.read(buffer)) > 0; ) {
      to.write(buffer, 0, n);
      to.flush();
    }
  }

  private static int portOf(String authority) {
    return Integer.parseInt(authority.substring(authority.lastIndexOf(':') + 1));
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in request head");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }
}
