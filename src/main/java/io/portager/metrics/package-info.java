/**
 * Prometheus metrics of the operator and the server that exposes them on {@code /metrics}, built on
 * the Prometheus Java client (client_java 1.x).
 *
 * <p>Depends on {@code registry} and {@code controller} for their listener interfaces only; those
 * packages never import this one. Label values come from fixed sets, object names and namespaces,
 * and registry hosts, never from error messages.
 *
 * <p>Limits: the validation gate metrics are declared for compatibility with the Go Portager but
 * stay at zero, because this operator has no validation gates yet.
 */
package io.portager.metrics;
