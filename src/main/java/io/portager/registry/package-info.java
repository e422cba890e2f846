/**
 * A client for the OCI distribution API: Bearer and Basic challenges with a token cache, manifest
 * HEAD, GET and PUT, blob existence checks, streaming blob copies with digest verification, and tag
 * listing. One {@link io.portager.registry.RegistryClient} per endpoint uses one HttpClient.
 *
 * <p>Depends only on {@code io.portager.oci} and {@code io.portager.log}.
 *
 * <p>Known limits: abandoned upload sessions are not cancelled; a registry that needs chunked
 * uploads is found out per blob (no memory of it between blobs); a PATCH that fails with 5xx or a
 * reset restarts the whole upload instead of resuming it; no referrers API; the OAuth2 POST token
 * form and refresh tokens are not used; a stalled blob body has no read timeout; the TLS setting of
 * an endpoint also applies to its token realm.
 */
package io.portager.registry;
