package io.portager.imagesync;

import io.portager.log.Log;
import io.portager.registry.Credential;
import io.portager.registry.Registries;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import io.portager.sync.ImageCopier;
import io.portager.sync.TagResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs the tag jobs of one sync on a shared pool, so tags copy concurrently, and turns each failure
 * into a message that says what to do. Results keep the order of the jobs.
 */
final class SyncRunner {
  private static final Log LOG = Log.get("sync");

  private final Registries registries;
  private final ImageCopier copier;
  private final ExecutorService pool;
  private final int perRun;

  /** The number of tags a run checks at once for each tag it may copy at once. */
  static final int CHECKS_PER_COPY = 2;

  /**
   * Creates a runner whose runs each copy at most {@code perRun} tags at once and check at most
   * {@link #CHECKS_PER_COPY} times as many, on threads of {@code pool}.
   */
  SyncRunner(Registries registries, ImageCopier copier, ExecutorService pool, int perRun) {
    this.registries = registries;
    this.copier = copier;
    this.pool = pool;
    this.perRun = perRun;
  }

  List<TagOutcome> run(
      String key,
      SyncPlan plan,
      List<SyncPlan.TagJob> jobs,
      CredentialResolver.Lookup sourceCredentials,
      CredentialResolver.Lookup destinationCredentials)
      throws InterruptedException {
    // Each run may hold at most CHECKS_PER_COPY * perRun threads of the shared pool, so one
    // ImageSync whose registry is slow or stalled cannot take the threads every other ImageSync
    // needs. A check is two HEADs, so more of them run at once than copies, which hold their
    // thread much longer and stay at perRun.
    Semaphore slots = new Semaphore(CHECKS_PER_COPY * perRun);
    Semaphore copySlots = new Semaphore(perRun);
    List<Future<TagOutcome>> futures = new ArrayList<>();
    for (SyncPlan.TagJob job : jobs) {
      slots.acquire();
      futures.add(
          pool.submit(
              Log.propagating(
                  () -> {
                    try {
                      return runOne(
                          key, plan, job, sourceCredentials, destinationCredentials, copySlots);
                    } finally {
                      slots.release();
                    }
                  })));
    }
    List<TagOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      outcomes.add(await(futures.get(i), jobs.get(i)));
    }
    return outcomes;
  }

  private static TagOutcome await(Future<TagOutcome> future, SyncPlan.TagJob job)
      throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException | CancellationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return TagOutcome.failed(job, "internal error: " + cause, false);
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    }
  }

  private TagOutcome runOne(
      String key,
      SyncPlan plan,
      SyncPlan.TagJob job,
      CredentialResolver.Lookup sourceCredentials,
      CredentialResolver.Lookup destinationCredentials,
      Semaphore copySlots) {
    Credential sourceCredential;
    Credential destinationCredential;
    try {
      sourceCredential = sourceCredentials.forRepository(job.sourceRepository());
      destinationCredential = destinationCredentials.forRepository(job.destinationRepository());
    } catch (CredentialException e) {
      return TagOutcome.failed(job, e.getMessage(), true);
    }
    Repository source =
        registries
            .client(plan.sourceEndpoint())
            .repository(job.sourceRepository(), sourceCredential);
    Repository destination =
        registries
            .client(plan.destinationEndpoint())
            .repository(job.destinationRepository(), destinationCredential);
    try {
      TagResult result = copier.sync(source, destination, job.tag(), job.options(), copySlots);
      LOG.info(
          result.copied() ? "tag_copied" : "tag_up_to_date",
          "imagesync",
          key,
          "source",
          plan.source().host() + "/" + job.sourceRepository() + ":" + job.tag(),
          "digest",
          result.sourceDigest(),
          "blobs",
          result.blobsCopied(),
          "bytes",
          result.bytesCopied());
      return TagOutcome.succeeded(job, result);
    } catch (RegistryException e) {
      String message = explain(plan, e);
      LOG.warn(
          "tag_failed",
          "imagesync",
          key,
          "source",
          plan.source().host() + "/" + job.sourceRepository() + ":" + job.tag(),
          "error",
          message);
      boolean mayRecover = e.isRetryable() || e.isAuthFailure() || e.isNotFound();
      return mayRecover
          ? TagOutcome.failed(job, message, e.isAuthFailure())
          : TagOutcome.failedForGood(job, message);
    } catch (RuntimeException e) {
      LOG.error("tag_failed", "imagesync", key, "tag", job.tag(), "error", e.toString());
      return TagOutcome.failed(job, "sync failed: " + e.getMessage(), false);
    }
  }

  /**
   * Adds what to do next to a registry failure of a sync. A 401 or 403 from a registry reached with
   * a cloud identity names the permission to grant instead of a Secret.
   */
  static String explain(
      RegistryException e,
      AuthPlan sourceAuth,
      String sourceHost,
      AuthPlan destinationAuth,
      String destinationHost) {
    if (e.isAuthFailure()) {
      String hint =
          CloudAuthHints.forFailure(
              e.getMessage(), sourceAuth, sourceHost, destinationAuth, destinationHost);
      if (hint != null) {
        return e.getMessage() + ": " + hint;
      }
    }
    return explain(e);
  }

  static String explain(SyncPlan plan, RegistryException e) {
    return explain(
        e,
        plan.sourceAuth(),
        plan.sourceEndpoint().host(),
        plan.destinationAuth(),
        plan.destinationEndpoint().host());
  }

  /** Adds what to do next to a registry failure. */
  static String explain(RegistryException e) {
    String message = e.getMessage();
    if (e.isAuthFailure() && message.contains("check the credentials")) {
      return message;
    }
    if (e.isAuthFailure()) {
      return message
          + ": check that the Secret for this registry has credentials that may pull from the"
          + " source and push to the destination";
    }
    Throwable cause = e.getCause();
    if (cause instanceof javax.net.ssl.SSLException) {
      return message
          + ": the registry's TLS certificate is not trusted or does not match its host name;"
          + " trust its CA with the operator's --ca-bundle (the chart's caBundle), or set"
          + " insecureSkipTLSVerify: true for this registry";
    }
    if (e.status() == 0 && e.isRetryable()) {
      String detail =
          cause == null || message.contains(cause.getClass().getSimpleName())
              ? ""
              : " (" + cause.getClass().getSimpleName() + ")";
      return message
          + detail
          + ": check the registry host and port, the network, and whether the registry serves"
          + " HTTPS or plain HTTP (plainHTTP)";
    }
    if (e.status() == 400 && e.errorCode() == null) {
      return message + ": if the registry serves HTTPS, remove plainHTTP for it";
    }
    if (e.isRetryable()) {
      return message + ": the registry is failing or throttling; the sync is retried with backoff";
    }
    return message;
  }
}
