package io.portager.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.kube.ApiResource;
import io.portager.kube.KubeApiException;
import io.portager.kube.KubeClient;
import io.portager.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, with client-go's rules: a candidate
 * takes the Lease when it is free or when its holder has not renewed it for {@code leaseDuration}
 * as measured on this process's clock from when the record last changed, so clock skew between
 * replicas does not matter. The leader renews every {@code retryPeriod} and gives up leadership
 * when it cannot renew within {@code renewDeadline}. On shutdown the leader releases the Lease.
 *
 * <p>NOTE: like client-go, this gives no fencing: a leader that is paused past the lease duration
 * may still finish a write it started after another replica took over.
 *
 * <p>State is written only by the election thread, except {@code leading}, which is volatile.
 */
public final class LeaderElector implements Runnable {
  public static final ApiResource LEASES =
      new ApiResource("coordination.k8s.io", "v1", "leases", true);
  private static final Log LOG = Log.get("leader");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubeClient kube;
  private final Settings settings;
  private final Clock clock;
  private final Listener listener;
  private volatile boolean leading;
  private volatile boolean stopped;
  private String observedRecord = "";
  private Instant observedAt = Instant.EPOCH;

  /** The Lease's namespace and name, this candidate's identity, and the timings. */
  public record Settings(
      String namespace,
      String name,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    /** Checks client-go's rule: lease duration > renew deadline > 1.2 × retry period. */
    public Settings {
      if (leaseDuration.compareTo(renewDeadline) <= 0) {
        throw new IllegalArgumentException(
            "invalid leader election timings: the lease duration ("
                + leaseDuration.toMillis()
                + " ms) must be longer than the renew deadline ("
                + renewDeadline.toMillis()
                + " ms)");
      }
      if (renewDeadline.toMillis() <= retryPeriod.toMillis() * 12 / 10) {
        throw new IllegalArgumentException(
            "invalid leader election timings: the renew deadline ("
                + renewDeadline.toMillis()
                + " ms) must be longer than 1.2 times the retry period ("
                + retryPeriod.toMillis()
                + " ms)");
      }
    }
  }

  /** Callbacks run on the election thread; they must return quickly. */
  public interface Listener {
    void startedLeading();

    void stoppedLeading();
  }

  public LeaderElector(KubeClient kube, Settings settings, Clock clock, Listener listener) {
    this.kube = kube;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
  }

  public boolean isLeader() {
    return leading;
  }

  /** Makes {@link #run} return; call {@link #release} afterwards to hand the Lease over. */
  public void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    LOG.info(
        "election_started",
        "lease",
        settings.namespace() + "/" + settings.name(),
        "identity",
        settings.identity());
    Instant lastRenew = null;
    while (!stopped) {
      boolean held = tryAcquireOrRenew();
      Instant now = clock.instant();
      if (held) {
        lastRenew = now;
        if (!leading) {
          leading = true;
          LOG.info("leader_acquired", "identity", settings.identity());
          listener.startedLeading();
        }
      } else if (leading
          && Duration.between(lastRenew, now).compareTo(settings.renewDeadline()) > 0) {
        leading = false;
        LOG.error(
            "leader_lost",
            "identity",
            settings.identity(),
            "reason",
            "the Lease was not renewed within the renew deadline");
        listener.stoppedLeading();
      }
      if (!sleep(leading ? settings.retryPeriod() : jittered(settings.retryPeriod()))) {
        return;
      }
    }
  }

  /** Gives the Lease up so another replica can take it at once; a no-op unless this holds it. */
  public void release() {
    leading = false;
    try {
      Optional<ObjectNode> lease = kube.get(LEASES, settings.namespace(), settings.name());
      if (lease.isEmpty() || !settings.identity().equals(holder(lease.get()))) {
        return;
      }
      ObjectNode spec = (ObjectNode) lease.get().path("spec");
      String now = MICRO_TIME.format(clock.instant());
      spec.put("holderIdentity", "").put("leaseDurationSeconds", 1);
      spec.put("acquireTime", now).put("renewTime", now);
      kube.update(LEASES, settings.namespace(), lease.get());
      LOG.info("leader_released", "identity", settings.identity());
    } catch (KubeApiException e) {
      LOG.warn("leader_release_failed", "identity", settings.identity(), "error", e.getMessage());
    }
  }

  /** Returns true when this process holds the Lease after the attempt. */
  boolean tryAcquireOrRenew() {
    try {
      Optional<ObjectNode> current = kube.get(LEASES, settings.namespace(), settings.name());
      if (current.isEmpty()) {
        kube.create(LEASES, settings.namespace(), newLease());
        return true;
      }
      return takeOrRenew(current.get());
    } catch (KubeApiException e) {
      // A conflict means another replica wrote the Lease first: an ordinary lost race.
      if (!e.isConflict()) {
        LOG.warn("lease_update_failed", "identity", settings.identity(), "error", e.getMessage());
      }
      return false;
    }
  }

  private boolean takeOrRenew(ObjectNode lease) {
    JsonNode spec = lease.path("spec");
    Instant now = clock.instant();
    String record = spec.toString();
    if (!record.equals(observedRecord)) {
      observedRecord = record;
      observedAt = now;
    }
    String holder = holder(lease);
    boolean mine = settings.identity().equals(holder);
    long durationSeconds =
        spec.path("leaseDurationSeconds").asLong(settings.leaseDuration().toSeconds());
    boolean expired = !observedAt.plusSeconds(durationSeconds).isAfter(now);
    if (!mine && !holder.isEmpty() && !expired) {
      return false;
    }
    ObjectNode updated = (ObjectNode) lease.path("spec");
    String time = MICRO_TIME.format(now);
    if (!mine) {
      updated.put("acquireTime", time);
      updated.put("leaseTransitions", spec.path("leaseTransitions").asInt(0) + 1);
    }
    updated.put("holderIdentity", settings.identity());
    updated.put("leaseDurationSeconds", settings.leaseDuration().toSeconds());
    updated.put("renewTime", time);
    ObjectNode written = kube.update(LEASES, settings.namespace(), lease);
    observedRecord = written.path("spec").toString();
    observedAt = now;
    return true;
  }

  private ObjectNode newLease() {
    String now = MICRO_TIME.format(clock.instant());
    ObjectNode lease = JSON.createObjectNode();
    lease.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    lease.putObject("metadata").put("name", settings.name()).put("namespace", settings.namespace());
    lease
        .putObject("spec")
        .put("holderIdentity", settings.identity())
        .put("leaseDurationSeconds", settings.leaseDuration().toSeconds())
        .put("acquireTime", now)
        .put("renewTime", now)
        .put("leaseTransitions", 0);
    return lease;
  }

  private static String holder(JsonNode lease) {
    return lease.path("spec").path("holderIdentity").asText("");
  }

  /** Returns the retry period stretched by up to 1.2 times, as client-go's jitter does. */
  private static Duration jittered(Duration period) {
    long extra = (long) (period.toMillis() * 1.2 * ThreadLocalRandom.current().nextDouble());
    return period.plusMillis(extra);
  }

  private boolean sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
      return !stopped;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
