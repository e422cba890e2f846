package io.portager.kube;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the SSLContext for the API server connection from kubeconfig or in-cluster material. */
final class TlsContexts {
  private static final char[] IN_MEMORY_PASSWORD = new char[0];

  private TlsContexts() {}

  /**
   * Builds a context that trusts {@code trusted} (the JDK's default CAs when null), or every server
   * when {@code insecure}, and presents {@code clientChain} with {@code clientKey} when both are
   * given.
   */
  static SSLContext build(
      List<X509Certificate> trusted,
      boolean insecure,
      PrivateKey clientKey,
      List<X509Certificate> clientChain,
      String source) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(clientKey, clientChain), trustManagers(trusted, insecure), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new KubeConfigException(source + ": set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException {
    if (key == null || chain == null) {
      return null;
    }
    KeyStore store = emptyKeyStore();
    store.setKeyEntry("client", key, IN_MEMORY_PASSWORD, chain.toArray(new Certificate[0]));
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, IN_MEMORY_PASSWORD);
    return factory.getKeyManagers();
  }

  private static TrustManager[] trustManagers(List<X509Certificate> trusted, boolean insecure)
      throws GeneralSecurityException {
    if (insecure) {
      return new TrustManager[] {new TrustEverything()};
    }
    if (trusted == null) {
      return null;
    }
    KeyStore store = emptyKeyStore();
    for (int i = 0; i < trusted.size(); i++) {
      store.setCertificateEntry("ca-" + i, trusted.get(i));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("create in-memory key store", e);
    }
    return store;
  }

  /**
   * Accepts any server certificate and host name, for {@code insecure-skip-tls-verify: true}. An
   * extended trust manager is needed because JSSE leaves the host name check to it.
   */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
