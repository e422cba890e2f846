package io.portager.registry;

/**
 * How a blob reached a repository.
 *
 * @param bytesCopied bytes streamed from the source; 0 for a mount
 * @param mounted true when the registry linked the blob from another of its repositories (a 201
 *     answer to a mount POST), so no content was sent
 */
public record BlobTransfer(long bytesCopied, boolean mounted) {}
