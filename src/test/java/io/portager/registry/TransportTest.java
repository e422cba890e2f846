package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportTest {
  private static final URI URL = URI.create("http://127.0.0.1:1/v2/app/blobs/uploads/1");

  private static Call call(String method) {
    return new Call(
        method, URL, Map.of(), BodyPublishers::noBody, false, false, Call.DEFAULT_TIMEOUT);
  }

  @Test
  void clientForStreamedBodyIsPooled() {
    HttpClient pooled = HttpClient.newHttpClient();
    HttpClient sameThread = HttpClient.newBuilder().executor(Runnable::run).build();
    Transport transport =
        new Transport(
            pooled,
            sameThread,
            RetryPolicy.DEFAULT,
            RetryPolicy.Sleeper.REAL,
            Clock.systemUTC(),
            new RequestLimiter(ClientLimits.DEFAULT, Clock.systemUTC(), RetryPolicy.Sleeper.REAL),
            "127.0.0.1:1",
            RequestListener.NONE);

    assertSame(pooled, transport.clientFor(call("PUT")));
    assertSame(pooled, transport.clientFor(call("PATCH")));
    assertSame(sameThread, transport.clientFor(call("HEAD")));
    assertSame(sameThread, transport.clientFor(call("GET")));
    assertSame(sameThread, transport.clientFor(call("POST")));
    assertSame(sameThread, transport.clientFor(call("DELETE")));
    Call inMemory =
        new Call(
            "PUT", URL, Map.of(), BodyPublishers::noBody, true, false, Call.DEFAULT_TIMEOUT, true);
    assertSame(sameThread, transport.clientFor(inMemory), "a body in memory never blocks");
  }
}
