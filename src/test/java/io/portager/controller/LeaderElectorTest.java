package io.portager.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.kube.ApiResource;
import io.portager.kube.KubeApiException;
import io.portager.kube.KubeClient;
import io.portager.kube.WatchStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LeaderElectorTest {
  private final LeaseStore store = new LeaseStore();
  private final MutableClock clock = new MutableClock();

  private LeaderElector candidate(String identity) {
    LeaderElector.Settings settings =
        new LeaderElector.Settings(
            "kube-system",
            "portager-leader",
            identity,
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2));
    return new LeaderElector(store, settings, clock, null);
  }

  @Test
  void createsLeaseWhenAbsent() {
    LeaderElector a = candidate("a");

    assertTrue(a.tryAcquireOrRenew());

    ObjectNode spec = (ObjectNode) store.lease.path("spec");
    assertEquals("a", spec.path("holderIdentity").asText());
    assertEquals(15, spec.path("leaseDurationSeconds").asInt());
    assertEquals(0, spec.path("leaseTransitions").asInt());
    assertTrue(spec.path("renewTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT[\\d:]{8}\\.\\d{6}Z"));
  }

  @Test
  void freshLeaseIsNotTaken() {
    candidate("a").tryAcquireOrRenew();
    LeaderElector b = candidate("b");

    assertFalse(b.tryAcquireOrRenew());
    clock.advance(Duration.ofSeconds(14));
    assertFalse(b.tryAcquireOrRenew());
  }

  @Test
  void expiredLeaseIsTakenOver() {
    candidate("a").tryAcquireOrRenew();
    LeaderElector b = candidate("b");
    b.tryAcquireOrRenew();

    clock.advance(Duration.ofSeconds(16));

    assertTrue(b.tryAcquireOrRenew());
    assertEquals("b", store.lease.path("spec").path("holderIdentity").asText());
    assertEquals(1, store.lease.path("spec").path("leaseTransitions").asInt());
  }

  @Test
  void renewedLeaseStaysWithHolder() {
    LeaderElector a = candidate("a");
    LeaderElector b = candidate("b");
    a.tryAcquireOrRenew();
    b.tryAcquireOrRenew();

    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(2));
      assertTrue(a.tryAcquireOrRenew());
      assertFalse(b.tryAcquireOrRenew(), "b took a lease renewed " + i + " times");
    }
  }

  @Test
  void releasedLeaseIsTakenAtOnce() {
    LeaderElector a = candidate("a");
    LeaderElector b = candidate("b");
    a.tryAcquireOrRenew();
    b.tryAcquireOrRenew();

    a.release();

    assertEquals("", store.lease.path("spec").path("holderIdentity").asText());
    assertEquals(1, store.lease.path("spec").path("leaseDurationSeconds").asInt());
    assertTrue(b.tryAcquireOrRenew());
    assertEquals("b", store.lease.path("spec").path("holderIdentity").asText());
  }

  @Test
  void releaseByNonHolderChangesNothing() {
    candidate("a").tryAcquireOrRenew();
    String before = store.lease.toString();

    candidate("b").release();

    assertEquals(before, store.lease.toString());
  }

  @Test
  void rejectsRenewDeadlineBelowRetryJitter() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LeaderElector.Settings(
                    "ns",
                    "l",
                    "a",
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2)));

    assertTrue(e.getMessage().contains("renew deadline"), e.getMessage());
  }

  @Test
  void rejectsLeaseShorterThanRenewDeadline() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new LeaderElector.Settings(
                "ns",
                "l",
                "a",
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
  }

  /** One Lease kept in memory with resourceVersion checks like the API server's. */
  private static final class LeaseStore implements KubeClient {
    ObjectNode lease;
    int version;

    @Override
    public Optional<ObjectNode> get(ApiResource resource, String namespace, String name) {
      return Optional.ofNullable(lease).map(ObjectNode::deepCopy);
    }

    @Override
    public ObjectNode create(ApiResource resource, String namespace, ObjectNode object) {
      if (lease != null) {
        throw new KubeApiException(409, "AlreadyExists", "leases already exists", null);
      }
      return store(object);
    }

    @Override
    public ObjectNode update(ApiResource resource, String namespace, ObjectNode object) {
      String expected = object.path("metadata").path("resourceVersion").asText();
      if (!expected.equals(String.valueOf(version))) {
        throw new KubeApiException(409, "Conflict", "the object has been modified", null);
      }
      return store(object);
    }

    private ObjectNode store(ObjectNode object) {
      version++;
      lease = object.deepCopy();
      ((ObjectNode) lease.path("metadata")).put("resourceVersion", String.valueOf(version));
      return lease.deepCopy();
    }

    @Override
    public ObjectNode list(ApiResource r, String ns, String rv, String token) {
      throw new UnsupportedOperationException();
    }

    @Override
    public WatchStream watch(ApiResource r, String ns, String rv, int timeoutSeconds) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode updateStatus(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ObjectNode> updateStatusWithRetry(
        ApiResource resource, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode patch(
        ApiResource resource, String namespace, String name, PatchType type, String body) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T10:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
