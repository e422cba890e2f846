package io.portager.sync;

import io.portager.oci.Digest;
import io.portager.registry.RegistryEndpoint;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The destination blob knowledge of one {@link ImageCopier}, shared by all its threads: which
 * repository of an endpoint last received or already had a blob (a mount source for the next
 * repository that needs it), and which blob copies are running now.
 *
 * <p>Mutable state: {@code known}, an access-ordered map of at most {@code capacity} entries that
 * drops the least recently used, guarded by its own monitor; and {@code running}, a concurrent map
 * holding one future per destination repository and digest while a copy runs, removed by the thread
 * that added it; and {@code runningOnEndpoint}, the same per registry endpoint and digest, so a
 * copy to a second repository can wait and then mount from the first. {@code present}, guarded by
 * its own monitor, records when each repository was last seen to contain a blob, so the tags of one
 * run that share a layer check it with one HEAD instead of one per tag.
 */
final class DestinationBlobs {
  static final int DEFAULT_CAPACITY = 10_000;

  /**
   * How long a blob seen in a repository is taken to be there without a HEAD. One sync run of
   * hundreds of tags fits in it. A blob deleted from the destination in that window makes a
   * manifest PUT fail with MANIFEST_BLOB_UNKNOWN, and {@link ImageCopier} then calls {@link
   * #forget} and copies the tag's content again.
   */
  static final Duration PRESENT_FOR = Duration.ofMinutes(5);

  private final Map<BlobAt, String> known;
  private final Map<BlobIn, Instant> present;
  private final Clock clock;
  private final Map<BlobIn, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
  private final Map<BlobAt, CompletableFuture<Void>> runningOnEndpoint = new ConcurrentHashMap<>();

  DestinationBlobs(int capacity, Clock clock) {
    this.clock = clock;
    this.present = lruMap(capacity);
    this.known = lruMap(capacity);
  }

  /** Records that {@code repository} contains {@code digest}. */
  void remember(Repository repository, Digest digest) {
    synchronized (known) {
      known.put(new BlobAt(repository.endpoint(), digest), repository.name());
    }
    synchronized (present) {
      present.put(new BlobIn(repository.endpoint(), repository.name(), digest), clock.instant());
    }
  }

  /**
   * Returns whether {@code repository} was seen to contain {@code digest} within {@link
   * #PRESENT_FOR}.
   */
  boolean recentlySeen(Repository repository, Digest digest) {
    Instant seen;
    synchronized (present) {
      seen = present.get(new BlobIn(repository.endpoint(), repository.name(), digest));
    }
    return seen != null && seen.plus(PRESENT_FOR).isAfter(clock.instant());
  }

  /** Drops every blob remembered as present in {@code repository}. */
  void forget(Repository repository) {
    synchronized (present) {
      present
          .keySet()
          .removeIf(
              blob ->
                  blob.endpoint().equals(repository.endpoint())
                      && blob.repository().equals(repository.name()));
    }
  }

  private static <K, V> Map<K, V> lruMap(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Returns another repository of the same endpoint known to hold {@code digest}. */
  Optional<String> otherRepositoryWith(Repository repository, Digest digest) {
    String name;
    synchronized (known) {
      name = known.get(new BlobAt(repository.endpoint(), digest));
    }
    return name == null || name.equals(repository.name()) ? Optional.empty() : Optional.of(name);
  }

  /**
   * Runs {@code copy} for {@code digest} into {@code destination} unless another thread is copying
   * the same blob to the same repository. Then this waits for that copy and returns empty when it
   * succeeded, or runs {@code copy} itself when it failed.
   */
  <T> Optional<T> once(Repository destination, Digest digest, Supplier<Optional<T>> copy) {
    BlobIn key = new BlobIn(destination.endpoint(), destination.name(), digest);
    BlobAt onEndpoint = new BlobAt(destination.endpoint(), digest);
    while (true) {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      CompletableFuture<Void> other = running.putIfAbsent(key, mine);
      if (other != null) {
        if (succeeded(other, digest)) {
          return Optional.empty();
        }
        continue;
      }
      CompletableFuture<Void> elsewhere = runningOnEndpoint.putIfAbsent(onEndpoint, mine);
      if (elsewhere == null) {
        return runOwned(key, onEndpoint, mine, copy);
      }
      // Another repository of this registry is receiving the blob: give up this claim, wait for
      // that copy, and try again, so this copy can mount from there instead of reading the blob
      // from the source a second time. Waiters on this claim see a failure and try again too.
      running.remove(key, mine);
      mine.completeExceptionally(new IllegalStateException("claim given up"));
      succeeded(elsewhere, digest);
    }
  }

  private <T> Optional<T> runOwned(
      BlobIn key, BlobAt onEndpoint, CompletableFuture<Void> mine, Supplier<Optional<T>> copy) {
    try {
      Optional<T> result = copy.get();
      mine.complete(null);
      return result;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      running.remove(key, mine);
      runningOnEndpoint.remove(onEndpoint, mine);
    }
  }

  private static boolean succeeded(CompletableFuture<Void> other, Digest digest) {
    try {
      other.get();
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(
          0, null, "wait for copy of blob " + digest + ": interrupted", e, false);
    }
  }

  private record BlobAt(RegistryEndpoint endpoint, Digest digest) {}

  private record BlobIn(RegistryEndpoint endpoint, String repository, Digest digest) {}
}
