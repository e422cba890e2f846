package io.portager.oci;

/** A typed pointer to content: media type, digest and size in bytes. */
public record Descriptor(String mediaType, Digest digest, long size) {}
