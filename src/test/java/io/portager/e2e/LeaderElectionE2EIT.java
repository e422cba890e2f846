package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.controller.LeaderElector;
import io.portager.imagesync.ImageSyncOperator;
import io.portager.kube.HttpKubeClient;
import io.portager.kube.KubeConfig;
import io.portager.kube.KubeEventRecorder;
import io.portager.registry.Registries;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas with leader election against a real kube-apiserver: only the leader
 * reconciles, and when it dies without releasing the Lease the other takes over within the lease
 * duration and keeps syncing.
 */
class LeaderElectionE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LEASE = Duration.ofSeconds(4);
  private static RunDirectory run;
  private static ControlPlane controlPlane;
  private static OciRegistry registry;
  private static Skopeo skopeo;
  private static final RegistryCredentials NONE = RegistryCredentials.anonymous();

  @BeforeAll
  static void start() {
    run = RunDirectory.create("leader");
    controlPlane = ControlPlane.start(run);
    registry =
        OciRegistry.start(
            run, "leader-registry", OciRegistry.Implementation.DISTRIBUTION_3, RegistryAuth.none());
    skopeo = Skopeo.create(run);
    controlPlane.installCrd();
  }

  @AfterAll
  static void stop() {
    registry.close();
    controlPlane.close();
  }

  private static ImageSyncOperator replica(String identity) {
    HttpKubeClient kube = new HttpKubeClient(KubeConfig.load(controlPlane.kubeconfig().toString()));
    LeaderElector.Settings election =
        new LeaderElector.Settings(
            "default",
            "portager-leader",
            identity,
            LEASE,
            Duration.ofSeconds(3),
            Duration.ofMillis(500));
    ImageSyncOperator operator =
        new ImageSyncOperator(
            kube,
            new KubeEventRecorder(kube, Clock.systemUTC(), identity),
            new Registries(Clock.systemUTC()),
            new ImageSyncOperator.Settings(java.util.List.of(), 2, 2, false, election),
            Clock.systemUTC());
    operator.start();
    return operator;
  }

  private static JsonNode json(String... kubectl) throws Exception {
    return JSON.readTree(controlPlane.kubectl(kubectl));
  }

  private static String leaseHolder() throws Exception {
    return json("get", "lease", "portager-leader", "-n", "default", "-o", "json")
        .path("spec")
        .path("holderIdentity")
        .asText();
  }

  private static Set<String> reportingInstances(String name) throws Exception {
    Set<String> instances = new HashSet<>();
    JsonNode events =
        json(
            "get",
            "events",
            "-n",
            "default",
            "--field-selector",
            "involvedObject.name=" + name,
            "-o",
            "json");
    events.path("items").forEach(e -> instances.add(e.path("reportingInstance").asText()));
    return instances;
  }

  private static <T> T await(String what, Duration timeout, Supplier<T> probe) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
  }

  private static String tryLeaseHolder() {
    try {
      String holder = leaseHolder();
      return holder.isEmpty() ? null : holder;
    } catch (Exception e) {
      return null;
    }
  }

  private static String imageSync(String name, String tag) {
    return "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
        + "metadata: {name: "
        + name
        + ", namespace: default}\n"
        + "spec:\n  schedule: \"@every 1h\"\n"
        + "  source: {registry: \""
        + registry.host()
        + "\", plainHTTP: true}\n"
        + "  destination: {registry: \""
        + registry.host()
        + "\", plainHTTP: true,"
        + " repositoryPrefix: mirror, auth: {method: anonymous}}\n"
        + "  images: [{name: le/app, tags: [\""
        + tag
        + "\"]}]\n";
  }

  private static boolean ready(String name) {
    try {
      JsonNode object = json("get", "imagesync", name, "-n", "default", "-o", "json");
      for (JsonNode condition : object.path("status").path("conditions")) {
        if (condition.path("type").asText().equals("Ready")
            && condition.path("status").asText().equals("True")) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void onlyLeaderReconcilesAndFailoverKeepsSyncing() throws Exception {
    for (String tag : new String[] {"1", "2"}) {
      Path layout = run.directory("layouts").resolve("le-" + tag);
      Fixtures.push(
          skopeo,
          Fixtures.twoPlatformIndex(layout, tag, "le-" + tag),
          registry.host(),
          "le/app",
          tag,
          NONE);
    }
    ImageSyncOperator a = replica("replica-a");
    ImageSyncOperator b = replica("replica-b");
    String leader =
        await("a lease holder", Duration.ofSeconds(20), LeaderElectionE2EIT::tryLeaseHolder);
    ImageSyncOperator leading = leader.equals("replica-a") ? a : b;
    ImageSyncOperator standby = leading == a ? b : a;
    String standbyName = leading == a ? "replica-b" : "replica-a";

    controlPlane.kubectlApply(imageSync("first", "1"));
    await("first Ready", Duration.ofSeconds(60), () -> ready("first") ? true : null);

    assertEquals(Set.of(leader), reportingInstances("first"));
    assertTrue(leading.isLeader());
    assertTrue(!standby.isLeader());

    Instant killed = Instant.now();
    leading.abandon();
    String next =
        await(
            "a new lease holder",
            Duration.ofSeconds(30),
            () -> {
              String holder = tryLeaseHolder();
              return holder != null && !holder.equals(leader) ? holder : null;
            });
    Duration failover = Duration.between(killed, Instant.now());

    assertEquals(standbyName, next);
    assertTrue(failover.compareTo(LEASE.plusSeconds(3)) < 0, "failover took " + failover);
    JsonNode lease = json("get", "lease", "portager-leader", "-n", "default", "-o", "json");
    assertNotEquals(0, lease.path("spec").path("leaseTransitions").asInt());
    controlPlane.kubectlApply(imageSync("second", "2"));
    await("second Ready", Duration.ofSeconds(60), () -> ready("second") ? true : null);
    assertEquals(Set.of(standbyName), reportingInstances("second"));
    standby.close();
    assertEquals("", leaseHolder(), "a clean shutdown releases the Lease");
  }
}
