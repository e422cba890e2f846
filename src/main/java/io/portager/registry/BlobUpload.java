package io.portager.registry;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * One blob copy (OCI distribution spec, "Pushing Blobs"): an optional mount, then POST to open a
 * session and either a single PUT whose body streams straight from the source GET, or, when the
 * registry asks for chunks ({@code OCI-Chunk-Min-Length}) or answers that PUT with 413, a {@link
 * ChunkedUpload}. The source body is read once and not buffered beyond one chunk, so a failed
 * attempt cannot be resent, and the whole upload starts again from the POST with a new source GET
 * instead, at most {@link #MAX_ATTEMPTS} times.
 */
final class BlobUpload {
  static final int MAX_ATTEMPTS = 3;

  /**
   * Size up to which a blob is read whole before its upload. Sixteen copies at once (two workers of
   * eight) then keep at most 4 MiB of blob bytes in memory.
   */
  static final long IN_MEMORY_BYTES = 256 * 1024;

  private static final Log LOG = Log.get("registry");

  private final HttpRepository destination;
  private final Repository source;
  private final Descriptor blob;
  private final String action;

  BlobUpload(HttpRepository destination, Repository source, Descriptor blob) {
    this.destination = destination;
    this.source = source;
    this.blob = blob;
    this.action = "copy blob " + blob.digest() + " to " + destination.name();
  }

  /** Mounts the blob from {@code mountFrom} when not null, or else copies it. */
  BlobTransfer run(String mountFrom) {
    UploadSession session = null;
    if (mountFrom != null) {
      Optional<UploadSession> opened = destination.mount(action, blob.digest(), mountFrom);
      if (opened.isEmpty()) {
        return new BlobTransfer(0, true);
      }
      session = opened.get();
    }

    boolean chunked = false;
    for (int attempt = 1; ; attempt++) {
      try {
        UploadSession current = session != null ? session : destination.startUpload(action);
        chunked = chunked || current.chunkMinLength() > 0;
        return new BlobTransfer(chunked ? chunked(current) : monolithic(current), false);
      } catch (RegistryException e) {
        session = null;
        boolean tooLarge = e.status() == 413 && !chunked;
        if (!tooLarge && !e.isRetryable() || attempt == MAX_ATTEMPTS) {
          throw e;
        }
        logRestart(attempt, e, tooLarge);
        if (tooLarge) {
          // The registry caps request bodies (a proxy in front of it, typically), and chunks of
          // the configured size may pass where the whole blob did not.
          chunked = true;
        } else {
          destination.backOff(action, attempt);
        }
      }
    }
  }

  private long chunked(UploadSession session) {
    VerifyingInputStream body = new VerifyingInputStream(source.openBlob(blob.digest()), blob);
    try {
      return new ChunkedUpload(destination, blob, action, session).run(body);
    } finally {
      closeQuietly(body);
    }
  }

  private long monolithic(UploadSession session) {
    if (blob.size() > 0 && blob.size() <= IN_MEMORY_BYTES) {
      return fromMemory(session);
    }
    VerifyingInputStream body = new VerifyingInputStream(source.openBlob(blob.digest()), blob);
    try {
      Call put =
          new Call(
              "PUT",
              Uploads.withDigest(session.location(), blob.digest()),
              Map.of("Content-Type", "application/octet-stream"),
              () -> publisher(body),
              false,
              false,
              null);
      HttpResponse<InputStream> response;
      try {
        response = destination.sendUpload(action, put);
      } catch (RegistryException e) {
        // Draining a large source after a destination failure would waste the transfer, so only
        // a mismatch or a source failure already seen counts here.
        throwIfMismatchSeen(body);
        throwIfSourceFailed(body, e);
        throw e;
      }

      throwIfMismatchSeen(body);
      if (response.statusCode() != 201) {
        throw Responses.failure(action, response);
      }
      Responses.discard(response);
      throwIfMismatch(action, body);
      return body.count();
    } finally {
      closeQuietly(body);
    }
  }

  /**
   * Reads a small blob whole and checks its digest, then PUTs the bytes. The PUT is marked as a
   * body in memory, so it goes through the same-thread client. Corrupt source content fails before
   * the PUT.
   */
  private long fromMemory(UploadSession session) {
    VerifyingInputStream body = new VerifyingInputStream(source.openBlob(blob.digest()), blob);
    byte[] bytes;
    try {
      bytes = body.readNBytes((int) blob.size());
      throwIfMismatch(action, body);
    } catch (IOException e) {
      throwIfMismatchSeen(body);
      RegistryException failure =
          new RegistryException(0, null, action + ": read source blob: " + e.getMessage(), e);
      throwIfSourceFailed(body, failure);
      throw failure;
    } finally {
      closeQuietly(body);
    }
    Call put =
        new Call(
            "PUT",
            Uploads.withDigest(session.location(), blob.digest()),
            Map.of("Content-Type", "application/octet-stream"),
            () -> BodyPublishers.ofByteArray(bytes),
            false,
            false,
            null,
            true);
    HttpResponse<InputStream> response = destination.sendUpload(action, put);
    if (response.statusCode() != 201) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);
    return bytes.length;
  }

  private void logRestart(int attempt, RegistryException e, boolean tooLarge) {
    LOG.warn(
        tooLarge ? "blob_upload_chunked" : "blob_upload_restart",
        "repository",
        destination.name(),
        "digest",
        blob.digest(),
        "attempt",
        attempt,
        "status",
        e.status(),
        "error",
        e.getMessage());
  }

  static void closeQuietly(VerifyingInputStream body) {
    try {
      body.closeSource();
    } catch (IOException e) {
      // The upload has been decided by now, and a failed close only loses the connection.
    }
  }

  private BodyPublisher publisher(InputStream body) {
    // fromPublisher sends a fixed Content-Length, and only accepts a positive one.
    if (blob.size() == 0) {
      return BodyPublishers.noBody();
    }
    return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body), blob.size());
  }

  /**
   * Reads what is left of the source and throws when its size or digest is wrong. A mismatch is the
   * source's fault and would repeat, so it is not retryable.
   */
  static void throwIfMismatch(String action, VerifyingInputStream body) {
    Optional<String> mismatch;
    try {
      mismatch = body.verify();
    } catch (IOException e) {
      throw new RegistryException(0, null, action + ": read source blob: " + e.getMessage(), e);
    }
    if (mismatch.isPresent()) {
      throw corruptSource(action, mismatch.get());
    }
  }

  /**
   * Throws an error that names the source when reading it failed during the upload, because the
   * upload's own error then blames the destination. Retryable, as a failed read usually is.
   */
  private void throwIfSourceFailed(VerifyingInputStream body, RegistryException uploadFailure) {
    Optional<IOException> failure = body.sourceFailureSeen();
    if (failure.isEmpty()) {
      return;
    }
    RegistryException sourceFailure =
        new RegistryException(
            0,
            null,
            action
                + ": reading the blob from the source "
                + source.endpoint().host()
                + "/"
                + source.name()
                + " failed: "
                + failure.get().getMessage()
                + ": check the source registry and the network to it; the blob is copied again"
                + " at the next attempt",
            failure.get(),
            true);
    sourceFailure.addSuppressed(uploadFailure);
    throw sourceFailure;
  }

  private void throwIfMismatchSeen(VerifyingInputStream body) {
    Optional<String> mismatch = body.mismatchSeen();
    if (mismatch.isPresent()) {
      throw corruptSource(action, mismatch.get());
    }
  }

  static RegistryException corruptSource(String action, String mismatch) {
    return new RegistryException(
        0,
        null,
        action + ": " + mismatch + ": the source registry served corrupt content",
        null,
        false);
  }
}
