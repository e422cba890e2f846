/**
 * The HTTP endpoints that Kubernetes probes: liveness and readiness, served by the JDK's HTTP
 * server. Depends only on {@code io.portager.log}; the caller supplies what live and ready mean.
 */
package io.portager.health;
