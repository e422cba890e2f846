/**
 * Values of the OCI image and distribution specs: digests, references, media types, descriptors and
 * manifests. Parsing only, with no I/O, so every other package can use these types.
 *
 * <p>Depends on nothing else in Portager; Jackson reads manifest JSON.
 *
 * <p>Known limits: only sha256 and sha512 digests; manifests are OCI image index and manifest and
 * Docker manifest list and v2 manifest, and Docker schema 1 is rejected; OCI artifact manifests
 * with other media types are rejected; IPv6 registry hosts in brackets are not parsed.
 */
package io.portager.oci;
