/**
 * Kubernetes API client over {@code java.net.http} and Jackson trees: client configuration from a
 * kubeconfig file or the pod's service account ({@link io.portager.kube.KubeConfig}), get, list,
 * watch, create, update, status updates and patches ({@link io.portager.kube.HttpKubeClient}), and
 * core/v1 Events ({@link io.portager.kube.KubeEventRecorder}).
 *
 * <p>This package depends on no other Portager package but {@code io.portager.log}, so that the
 * controller runtime and every reconciler can use it without a cycle. Its only library is Jackson.
 *
 * <p>Known limits:
 *
 * <ul>
 *   <li>kubeconfig {@code exec} and {@code auth-provider} credentials are rejected with an error;
 *       use a token, a token file or a client certificate.
 *   <li>kubeconfig {@code tls-server-name}, {@code proxy-url} and encrypted private keys are
 *       rejected with an error.
 *   <li>No WatchList streaming ({@code sendInitialEvents}): informers list, then watch.
 *   <li>No server-side apply and no strategic merge patch: writes use PUT, merge patch or JSON
 *       patch. Custom resources reject strategic merge patch anyway.
 *   <li>Requests send JSON only, never protobuf or CBOR, over HTTP/1.1, so each open watch uses its
 *       own connection.
 *   <li>No client-side rate limit: the API server's priority and fairness settle overload, and 429
 *       or 5xx responses with Retry-After are retried up to five times.
 *   <li>Events are written on the caller's thread, with no spam filter and no aggregation of
 *       similar messages, unlike client-go's recorder.
 *   <li>A watch event is read whole into memory, limited only by Jackson's default read constraints
 *       on string length and nesting depth.
 * </ul>
 */
package io.portager.kube;
