package io.portager.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds clients for a {@link FakeApiServer} whose retry waits are recorded, not slept. */
final class TestClients {
  static final String TOKEN = "test-token-value";

  private TestClients() {}

  /** A sleeper that records each wait and returns at once. */
  static final class RecordingSleeper implements Sleeper {
    final List<Duration> waits = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration duration) {
      waits.add(duration);
    }
  }

  static HttpKubeClient client(FakeApiServer server, Sleeper sleeper) {
    return new HttpKubeClient(KubeConfig.of(server.uri(), null, TOKEN), sleeper);
  }
}
