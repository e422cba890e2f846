/**
 * Test environment for Portager's end-to-end tests: real components on 127.0.0.1, started as child
 * processes, with data under {@code target/testenv/<run>/} and their output under {@code
 * target/testenv/<run>/logs/}.
 *
 * <p>What it starts:
 *
 * <ul>
 *   <li>{@link io.portager.testenv.ControlPlane}: etcd and kube-apiserver (no controllers, no
 *       scheduler, no kubelet), an admin kubeconfig, and kubectl bound to it.
 *   <li>{@link io.portager.testenv.OciRegistry}: distribution 2.8 ({@code docker-registry}) or 3.1
 *       ({@code registry}) over plain HTTP, without auth, with htpasswd, or with bearer tokens from
 *       a {@link io.portager.testenv.TokenServer}.
 *   <li>{@link io.portager.testenv.Fixtures}: deterministic OCI images and indexes, pushed with
 *       skopeo, checked with {@link io.portager.testenv.Skopeo} and {@link
 *       io.portager.testenv.Crane}.
 *   <li>{@link io.portager.testenv.LocalEnvironment}: all of the above as a runnable demo.
 * </ul>
 *
 * <p>Binaries come from {@code $PORTAGER_TOOLS/bin} (default {@code ~/.cache/portager-tools/bin},
 * filled by {@code scripts/install-test-tools}) and then {@code PATH}. A missing binary fails the
 * test with a message naming the script; nothing is skipped.
 *
 * <p>This package talks to the API server only through kubectl or a plain {@code HttpClient} and
 * never uses the operator's main code, so a bug there cannot hide itself in the checks.
 *
 * <p>To run the demo environment:
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp target/test-classes:target/classes:$(cat target/test.classpath) \
 *     io.portager.testenv.LocalEnvironment
 * </pre>
 *
 * <p>Limits:
 *
 * <ul>
 *   <li>Free ports are found by binding port 0 and releasing it, so another process can take a port
 *       before the component binds it.
 *   <li>The token server implements only {@code GET /token}; every known user gets every requested
 *       repository scope.
 *   <li>crane v0.22.1 refuses token realms on loopback IP literals that differ from the registry
 *       host:port, so crane checks work only against htpasswd and open registries.
 *   <li>The registries have no referrers API and the apiserver has no garbage collector or
 *       namespace controller; deleted namespaces stay in {@code Terminating}.
 *   <li>Child processes are stopped on {@code close()} and by a JVM shutdown hook, but a JVM killed
 *       with SIGKILL leaves them running.
 * </ul>
 */
package io.portager.testenv;
