/**
 * A client for the OCI distribution API: Bearer and Basic challenges with a token cache (the token
 * GET and the OAuth2 refresh-token POST), system CAs plus a reloadable CA bundle, proxies from the
 * environment, manifest HEAD, GET and PUT, blob existence checks, streaming blob copies with digest
 * verification, tag listing and the referrers API. One {@link io.portager.registry.RegistryClient}
 * per endpoint uses one HttpClient.
 *
 * <p>Depends only on {@code io.portager.oci} and {@code io.portager.log}.
 *
 * <p>Known limits: abandoned upload sessions are not cancelled; a registry that needs chunked
 * uploads is found out per blob (no memory of it between blobs); a PATCH that fails with 5xx or a
 * reset restarts the whole upload instead of resuming it; the TLS setting of an endpoint also
 * applies to its token realm; credentials in a proxy URL are not sent.
 */
package io.portager.registry;
