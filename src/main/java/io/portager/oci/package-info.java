/**
 * Values of the OCI image and distribution specs: digests, references, media types, descriptors,
 * platforms and manifests. Parsing only, with no I/O, so every other package can use these types.
 *
 * <p>OCI artifacts are image manifests with the OCI media type, so they parse like images: an
 * {@code artifactType}, an empty config ({@code application/vnd.oci.empty.v1+json}), a Helm chart's
 * config and chart layer, and a {@code subject} that makes the manifest a referrer.
 *
 * <p>Depends on nothing else in Portager; Jackson reads manifest JSON.
 *
 * <p>Known limits: only sha256 and sha512 digests; manifests are OCI image index and manifest and
 * Docker manifest list and v2 manifest, and Docker schema 1 is rejected; the withdrawn OCI artifact
 * manifest type ({@code application/vnd.oci.artifact.manifest.v1+json}) is rejected; IPv6 registry
 * hosts in brackets are not parsed.
 */
package io.portager.oci;
