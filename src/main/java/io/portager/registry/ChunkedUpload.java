package io.portager.registry;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The chunked form of a blob upload (OCI distribution spec, "Pushing a blob in chunks"): PATCH
 * requests with {@code Content-Range: <start>-<end>} (inclusive, from 0), each returning 202 with
 * the next {@code Location} and {@code Range: 0-<end>}, then a PUT of the location with {@code
 * ?digest=} and an empty body.
 *
 * <p>One chunk of the source is kept in memory, so a chunk the registry did not take in full can be
 * sent again from the offset the registry reports. When a 202's {@code Range} is not the expected
 * end (some registries are off by one, or report a stale offset), {@code GET <location>} returns
 * the session's real state (204 and {@code Range}) and the upload resumes from there. A 413 halves
 * the chunk size, down to {@link #MIN_CHUNK_SIZE} or the registry's minimum, whichever is larger.
 */
final class ChunkedUpload {
  /** Smallest chunk that a 413 shrinks to, unless the configured size is smaller still. */
  static final long MIN_CHUNK_SIZE = 64 * 1024;

  /** Status GETs allowed per upload, so a registry that never agrees cannot loop forever. */
  static final int MAX_RESUMES = 8;

  private static final Log LOG = Log.get("registry");

  private final HttpRepository destination;
  private final Descriptor blob;
  private final String action;
  private final long floor;
  private long chunkSize;
  private URI location;
  private int resumes;

  ChunkedUpload(HttpRepository destination, Descriptor blob, String action, UploadSession session) {
    this.destination = destination;
    this.blob = blob;
    this.action = action;
    long configured = destination.limits().uploadChunkSize();
    this.chunkSize = Math.max(configured, session.chunkMinLength());
    this.floor = Math.min(chunkSize, Math.max(MIN_CHUNK_SIZE, session.chunkMinLength()));
    this.location = session.location();
  }

  /** Sends every byte of {@code source}, verifies it, commits the blob and returns its size. */
  long run(VerifyingInputStream source) {
    byte[] buffer = new byte[(int) Math.min(chunkSize, blob.size())];
    long offset = 0;
    while (offset < blob.size()) {
      int filled = fill(source, buffer);
      long bufferStart = offset;
      while (offset < bufferStart + filled) {
        int from = (int) (offset - bufferStart);
        int length = (int) Math.min(chunkSize, filled - from);
        offset = patch(buffer, from, length, offset, bufferStart, bufferStart + filled);
      }
    }
    BlobUpload.throwIfMismatch(action, source);
    commit();
    return blob.size();
  }

  private int fill(VerifyingInputStream source, byte[] buffer) {
    int filled;
    try {
      filled = source.readNBytes(buffer, 0, buffer.length);
    } catch (VerifyingInputStream.MismatchException e) {
      throw BlobUpload.corruptSource(action, e.getMessage());
    } catch (IOException e) {
      throw new RegistryException(0, null, action + ": read source blob: " + describe(e), e);
    }
    if (filled == 0) {
      // The stream checks its size at the end, so this means a stream that broke that rule.
      throw new RegistryException(0, null, action + ": source blob ended early", null, false);
    }
    return filled;
  }

  /**
   * Sends {@code length} bytes of {@code buffer} from {@code from}, which are the blob's bytes from
   * {@code offset}, and returns the offset the registry has received afterwards. The buffer holds
   * blob bytes {@code bufferStart} to {@code bufferEnd} (exclusive); an offset outside them cannot
   * be resumed from and restarts the upload.
   */
  private long patch(
      byte[] buffer, int from, int length, long offset, long bufferStart, long bufferEnd) {
    long end = offset + length - 1;
    Call call =
        new Call(
            "PATCH",
            location,
            Map.of("Content-Type", "application/octet-stream", "Content-Range", offset + "-" + end),
            () -> BodyPublishers.ofByteArray(buffer, from, length),
            true,
            false,
            Call.DEFAULT_TIMEOUT);
    HttpResponse<InputStream> response = destination.sendUpload(action, call);
    int status = response.statusCode();
    if (status == 413 && chunkSize > floor) {
      Responses.discard(response);
      shrink(length);
      return offset;
    }
    if (status == 416) {
      Responses.discard(response);
      return resume(bufferStart, bufferEnd);
    }
    if (status != 202) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);

    location = Uploads.nextLocation(action, response, location);
    OptionalLong received = Uploads.receivedBytes(response);
    // NOTE: a 202 without Range is taken as accepting the whole chunk. The spec requires the
    // header, and the digest check of the final PUT catches a registry that lost bytes.
    if (received.isEmpty() || received.getAsLong() == end + 1) {
      return end + 1;
    }
    LOG.debug(
        "blob_upload_range_mismatch",
        "repository",
        destination.name(),
        "digest",
        blob.digest(),
        "range",
        response.headers().firstValue("Range").orElse(""),
        "expected_end",
        end);
    return resume(bufferStart, bufferEnd);
  }

  private void shrink(int rejectedLength) {
    chunkSize = Math.max(floor, Math.min(chunkSize, rejectedLength) / 2);
    LOG.info(
        "blob_upload_chunk_shrunk",
        "repository",
        destination.name(),
        "digest",
        blob.digest(),
        "chunk_bytes",
        chunkSize);
  }

  /** Asks the registry how many bytes the session contains and returns that as the new offset. */
  private long resume(long bufferStart, long bufferEnd) {
    if (++resumes > MAX_RESUMES) {
      throw new RegistryException(
          0,
          null,
          action + ": upload session disagreed on its offset " + MAX_RESUMES + " times",
          null);
    }
    HttpResponse<InputStream> response =
        destination.sendUpload(action, Call.get(location, Map.of()));
    if (response.statusCode() != 204) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);
    location = Uploads.nextLocation(action, response, location);
    OptionalLong received = Uploads.receivedBytes(response);
    if (received.isEmpty()
        || received.getAsLong() < bufferStart
        || received.getAsLong() > bufferEnd) {
      // Retryable, so the whole upload starts again from a new session and a new source GET.
      throw new RegistryException(
          0,
          null,
          action
              + ": "
              + Responses.describe(response)
              + " reports "
              + response.headers().firstValue("Range").orElse("no Range")
              + ", cannot resume from the "
              + bufferStart
              + "-"
              + bufferEnd
              + " bytes still held",
          null);
    }
    return received.getAsLong();
  }

  private void commit() {
    Call put =
        new Call(
            "PUT",
            Uploads.withDigest(location, blob.digest()),
            Map.of("Content-Type", "application/octet-stream"),
            BodyPublishers::noBody,
            true,
            false,
            Call.DEFAULT_TIMEOUT);
    HttpResponse<InputStream> response = destination.sendUpload(action, put);
    if (response.statusCode() != 201) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
