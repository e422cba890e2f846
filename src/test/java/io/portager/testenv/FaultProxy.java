package io.portager.testenv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that forwards each connection to one target port on 127.0.0.1 and
 * injects faults on command: it cuts every open connection, resets a connection after a number of
 * bytes sent to the client, stalls, refuses connections, adds latency, limits the rate, or responds
 * to each new HTTP request itself with a status code. It speaks no protocol except in that last
 * mode, so TLS passes through untouched.
 *
 * <p>The proxy holds at most {@value #MAX_CONNECTIONS} connections, with two threads each, and
 * closes further ones at once. Faults apply to open connections from the next chunk on, except the
 * HTTP status, which applies to connections accepted while it is set.
 */
public final class FaultProxy implements AutoCloseable {
  static final int MAX_CONNECTIONS = 256;
  private static final int CHUNK_BYTES = 8192;
  private static final int MAX_REQUEST_HEAD_BYTES = 64 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How new connections are handled. */
  public enum Mode {
    /** Forward. */
    PASS,
    /** Close each new connection with a TCP reset before reading from it. */
    REFUSE,
    /** Accept and forward nothing in either direction until the mode changes. */
    STALL,
    /**
     * Read one HTTP request head and respond to it with {@link #respondWithStatus}'s status, then
     * close.
     */
    HTTP_STATUS
  }

  private final int targetPort;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private final AtomicInteger injectedResponses = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private volatile Mode mode = Mode.PASS;
  private volatile long resetAfterBytes = -1;
  private volatile long latencyMillis;
  private volatile long bytesPerSecond;
  private volatile int httpStatus = 503;
  private volatile String retryAfter;
  private volatile boolean closed;

  private FaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a proxy to {@code 127.0.0.1:targetPort} in {@link Mode#PASS}. */
  public static FaultProxy start(int targetPort) {
    try {
      return new FaultProxy(targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException("start fault proxy to port " + targetPort, e);
    }
  }

  /** Starts a proxy to a {@code 127.0.0.1:port} or {@code localhost:port} host. */
  public static FaultProxy start(String targetHost) {
    int colon = targetHost.lastIndexOf(':');
    String name = targetHost.substring(0, colon);
    if (!name.equals("127.0.0.1") && !name.equals("localhost")) {
      throw new IllegalArgumentException("fault proxy target must be on loopback: " + targetHost);
    }
    return start(Integer.parseInt(targetHost.substring(colon + 1)));
  }

  /** Returns {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Forwards everything again: clears the mode, the reset, the latency and the rate limit. */
  public void heal() {
    mode = Mode.PASS;
    resetAfterBytes = -1;
    latencyMillis = 0;
    bytesPerSecond = 0;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  /**
   * Responds to each new connection's first request with {@code status} (and {@code Retry-After}
   * when not null) after cutting the open connections, so that a client with pooled connections
   * sees the status on its next request.
   */
  public void respondWithStatus(int status, String retryAfterValue) {
    this.httpStatus = status;
    this.retryAfter = retryAfterValue;
    this.mode = Mode.HTTP_STATUS;
    cutAll();
  }

  /** Resets each connection once it has sent {@code bytes} bytes to the client; -1 turns off. */
  public void resetAfter(long bytes) {
    this.resetAfterBytes = bytes;
  }

  /** Waits {@code latency} before forwarding each chunk in either direction. */
  public void setLatency(Duration latency) {
    this.latencyMillis = latency.toMillis();
  }

  /** Limits each connection to about {@code rate} bytes a second towards the client; 0 = none. */
  public void limitRate(long rate) {
    this.bytesPerSecond = rate;
  }

  /** Resets every open connection in both directions and returns how many there were. */
  public int cutAll() {
    int count = 0;
    for (Connection connection : open) {
      connection.reset();
      count++;
    }
    return count;
  }

  public int acceptedConnections() {
    return accepted.get();
  }

  public int openConnections() {
    return open.size();
  }

  /** Returns the largest number of connections that were open at once. */
  public int maxOpenConnections() {
    return maxOpen.get();
  }

  /**
   * Returns how many connections were reset by {@link #resetAfter} or {@link #cutAll}, or refused.
   */
  public int resetCount() {
    return resets.get();
  }

  /** Returns how many requests the proxy itself responded to in {@link Mode#HTTP_STATUS}. */
  public int injectedResponseCount() {
    return injectedResponses.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // the accept loop ends either way
    }
    cutAll();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      handle(client);
    }
  }

  private void handle(Socket client) {
    if (mode == Mode.REFUSE || open.size() >= MAX_CONNECTIONS) {
      resets.incrementAndGet();
      resetQuietly(client);
      return;
    }
    if (mode == Mode.HTTP_STATUS) {
      startThread("fault-proxy-answer", () -> answer(client, httpStatus, retryAfter));
      return;
    }
    Connection connection = new Connection(client);
    open.add(connection);
    maxOpen.accumulateAndGet(open.size(), Math::max);
    startThread("fault-proxy-open", connection::open);
  }

  private void answer(Socket client, int status, String retryAfterValue) {
    try (client) {
      client.setSoTimeout(10_000);
      readRequestHead(client.getInputStream());
      byte[] body =
          ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected by the test proxy\"}]}")
              .getBytes(StandardCharsets.UTF_8);
      String head =
          "HTTP/1.1 "
              + status
              + " Injected\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n"
              + (retryAfterValue == null ? "" : "Retry-After: " + retryAfterValue + "\r\n")
              + "\r\n";
      // Counted before the write, so a client that has read the response sees it counted.
      injectedResponses.incrementAndGet();
      OutputStream out = client.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    } catch (IOException e) {
      // the client went away first
    }
  }

  /** Reads up to the blank line that ends an HTTP/1.1 request head; the body is not read. */
  private static void readRequestHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4 && head.size() < MAX_REQUEST_HEAD_BYTES) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  private static void startThread(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** One client connection and its upstream connection. */
  private final class Connection {
    private final Socket client;
    private final Socket upstream = new Socket();
    private final AtomicLong sentToClient = new AtomicLong();
    private final AtomicInteger directionsEnded = new AtomicInteger();
    private volatile boolean done;

    Connection(Socket client) {
      this.client = client;
    }

    void open() {
      try {
        upstream.connect(
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), targetPort),
            (int) CONNECT_TIMEOUT.toMillis());
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        startThread("fault-proxy-up", () -> pump(client, upstream, false));
        pump(upstream, client, true);
      } catch (IOException e) {
        reset();
      }
    }

    private void pump(Socket from, Socket to, boolean towardsClient) {
      byte[] buffer = new byte[CHUNK_BYTES];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
          holdWhileStalled();
          sleep(latencyMillis);
          if (towardsClient) {
            if (!forwardTowardsClient(out, buffer, read)) {
              return;
            }
          } else {
            out.write(buffer, 0, read);
            out.flush();
          }
        }
        to.shutdownOutput();
        if (directionsEnded.incrementAndGet() == 2) {
          client.close();
          upstream.close();
          open.remove(this);
        }
      } catch (IOException e) {
        reset();
      }
    }

    /** Writes one chunk to the client; returns false when the connection was reset instead. */
    private boolean forwardTowardsClient(OutputStream out, byte[] buffer, int read)
        throws IOException {
      long limit = resetAfterBytes;
      long before = sentToClient.get();
      if (limit >= 0 && before + read > limit) {
        out.write(buffer, 0, (int) Math.max(0, limit - before));
        out.flush();
        reset();
        return false;
      }
      out.write(buffer, 0, read);
      out.flush();
      sentToClient.addAndGet(read);
      long rate = bytesPerSecond;
      if (rate > 0) {
        sleep(read * 1000L / rate);
      }
      return true;
    }

    private void holdWhileStalled() {
      while (mode == Mode.STALL && !done && !closed) {
        sleep(50);
      }
    }

    void reset() {
      if (!done) {
        done = true;
        resets.incrementAndGet();
      }
      open.remove(this);
      resetQuietly(client);
      resetQuietly(upstream);
    }

    private void sleep(long millis) {
      if (millis <= 0) {
        return;
      }
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        reset();
      }
    }
  }
}
