package io.portager.registry;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * One blob copy as a monolithic upload (OCI distribution spec, "Pushing a blob monolithically"):
 * POST to open a session, then a single PUT whose body streams straight from the source GET. The
 * source body is read once and not buffered, so a failed PUT cannot be resent, and the whole upload
 * starts again from the POST instead.
 */
final class BlobUpload {
  static final int MAX_ATTEMPTS = 3;

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

  /** Copies the blob and returns the bytes transferred. */
  long run() {
    for (int attempt = 1; ; attempt++) {
      try {
        return attempt();
      } catch (RegistryException e) {
        if (!e.isRetryable() || attempt == MAX_ATTEMPTS) {
          throw e;
        }
        LOG.warn(
            "blob_upload_restart",
            "repository",
            destination.name(),
            "digest",
            blob.digest(),
            "attempt",
            attempt,
            "status",
            e.status());
      }
    }
  }

  private long attempt() {
    URI location = destination.startUpload(action);
    VerifyingInputStream body = new VerifyingInputStream(source.openBlob(blob.digest()), blob);
    try {
      Call put =
          new Call(
              "PUT",
              withDigest(location),
              Map.of("Content-Type", "application/octet-stream"),
              () -> publisher(body),
              false,
              false,
              null);
      HttpResponse<InputStream> response;
      try {
        response = destination.finishUpload(action, put);
      } catch (RegistryException e) {
        // Draining a large source after a destination failure would waste the transfer, so only
        // a mismatch already seen counts here.
        body.mismatchSeen().ifPresent(this::throwMismatch);
        throw e;
      }

      throwIfMismatch(body);
      if (response.statusCode() != 201) {
        throw Responses.failure(action, response);
      }
      Responses.discard(response);
      return body.count();
    } finally {
      closeQuietly(body);
    }
  }

  private static void closeQuietly(VerifyingInputStream body) {
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

  // A mismatch is the source's fault and would repeat, so it is not retryable.
  private void throwIfMismatch(VerifyingInputStream body) {
    Optional<String> mismatch;
    try {
      mismatch = body.verify();
    } catch (IOException e) {
      throw new RegistryException(0, null, action + ": read source blob: " + e.getMessage(), e);
    }
    mismatch.ifPresent(this::throwMismatch);
  }

  private void throwMismatch(String mismatch) {
    throw new RegistryException(
        0,
        null,
        action + ": " + mismatch + ": the source registry served corrupt content",
        null,
        false);
  }

  // The upload location may already have a query (a session state on distribution), which must
  // be kept, so the digest is appended with '&' in that case.
  private URI withDigest(URI location) {
    String digest = URLEncoder.encode(blob.digest().toString(), StandardCharsets.UTF_8);
    String separator = location.getRawQuery() == null ? "?" : "&";
    return URI.create(location + separator + "digest=" + digest);
  }
}
