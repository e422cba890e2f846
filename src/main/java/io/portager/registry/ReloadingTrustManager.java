package io.portager.registry;

import io.portager.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts the system's CAs plus the certificates of a CA bundle, and reads the bundle again when its
 * modification time, size or file list changes, checked at most once per interval during a
 * handshake. A bundle that fails to load at start is an error; one that fails later leaves the
 * previous trust in place and logs a warning.
 *
 * <p>Mutable state: the current delegate and the bundle's last fingerprint, replaced together under
 * this object's monitor; handshakes read the volatile delegate without the lock. Host names are
 * checked by the delegate, which JSSE hands the SSLEngine or socket.
 */
final class ReloadingTrustManager extends X509ExtendedTrustManager {
  private static final Log LOG = Log.get("registry");

  private final Path bundle;
  private final boolean withSystemCas;
  private final Duration checkInterval;
  private final Clock clock;
  private volatile X509ExtendedTrustManager delegate;
  private List<String> loadedFingerprint;
  private Instant nextCheck;

  ReloadingTrustManager(Path bundle, Duration checkInterval, Clock clock) {
    this(bundle, checkInterval, clock, true);
  }

  /** Creates a manager that trusts the bundle, and the system's CAs too when asked. */
  ReloadingTrustManager(Path bundle, Duration checkInterval, Clock clock, boolean withSystemCas) {
    this.bundle = bundle;
    this.withSystemCas = withSystemCas;
    this.checkInterval = checkInterval;
    this.clock = clock;
    this.loadedFingerprint = fingerprint();
    this.delegate = load();
    this.nextCheck = clock.instant().plus(checkInterval);
  }

  /** Returns a TLS context whose trust is this manager. */
  SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {this}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("create TLS context: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    current().checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    current().checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    current().checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    current().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    current().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    current().checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current().getAcceptedIssuers();
  }

  private X509ExtendedTrustManager current() {
    synchronized (this) {
      Instant now = clock.instant();
      if (!now.isBefore(nextCheck)) {
        nextCheck = now.plus(checkInterval);
        reloadIfChanged();
      }
    }
    return delegate;
  }

  private void reloadIfChanged() {
    List<String> fingerprint;
    try {
      fingerprint = fingerprint();
      if (fingerprint.equals(loadedFingerprint)) {
        return;
      }
      delegate = load();
    } catch (IllegalArgumentException e) {
      LOG.warn("ca_bundle_reload_failed", "path", bundle, "error", e.getMessage());
      return;
    }
    loadedFingerprint = fingerprint;
    LOG.info("ca_bundle_reloaded", "path", bundle);
  }

  /** Returns name, size and modification time of each bundle file: a change means a reload. */
  private List<String> fingerprint() {
    List<String> result = new ArrayList<>();
    try {
      for (Path file : files()) {
        result.add(file + " " + Files.size(file) + " " + Files.getLastModifiedTime(file));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("read CA bundle " + bundle + ": " + e.getMessage(), e);
    }
    return result;
  }

  private List<Path> files() throws IOException {
    if (!Files.isDirectory(bundle)) {
      return List.of(bundle);
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(bundle)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
        if ((name.endsWith(".pem") || name.endsWith(".crt")) && Files.isRegularFile(entry)) {
          files.add(entry);
        }
      }
    }
    files.sort(null);
    return files;
  }

  private X509ExtendedTrustManager load() {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int index = 0;
      if (withSystemCas) {
        for (X509Certificate ca : systemTrust().getAcceptedIssuers()) {
          store.setCertificateEntry("system-" + index++, ca);
        }
      }
      List<Certificate> extra = bundleCertificates();
      if (extra.isEmpty()) {
        throw new IllegalArgumentException("load CA bundle " + bundle + ": no certificates found");
      }
      for (Certificate ca : extra) {
        store.setCertificateEntry("bundle-" + index++, ca);
      }
      return trustManager(store);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("load CA bundle " + bundle + ": " + e.getMessage(), e);
    }
  }

  private List<Certificate> bundleCertificates() throws IOException, CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<Certificate> certificates = new ArrayList<>();
    for (Path file : files()) {
      try (InputStream in = Files.newInputStream(file)) {
        certificates.addAll(factory.generateCertificates(in));
      }
    }
    return certificates;
  }

  static X509ExtendedTrustManager systemTrust() throws GeneralSecurityException {
    return trustManager(null);
  }

  private static X509ExtendedTrustManager trustManager(KeyStore store)
      throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager in " + factory.getAlgorithm());
  }
}
