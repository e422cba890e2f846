package io.portager.registry;

import java.net.URI;

/**
 * An open blob upload: where to send the next request, and the smallest non-final chunk the
 * registry accepts.
 *
 * @param location absolute URL of the session, with any query the registry put there (distribution
 *     keeps its session state in {@code _state})
 * @param chunkMinLength the registry's {@code OCI-Chunk-Min-Length} in bytes, or 0 when it sent
 *     none. A registry that sends it wants a chunked upload.
 */
record UploadSession(URI location, long chunkMinLength) {}
