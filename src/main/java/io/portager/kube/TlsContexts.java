package io.portager.kube;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the SSLContext for the API server connection from kubeconfig or in-cluster material. */
final class TlsContexts {
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

  private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
    if (key == null || chain == null) {
      return null;
    }
    return new KeyManager[] {new ClientKey(key, chain.toArray(new X509Certificate[0]))};
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
   * Presents one key and chain, as a client or as a server. A KeyManagerFactory would need them in
   * a KeyStore, and a PKCS#12 store encrypts and decrypts the key with thousands of PBKDF2 rounds,
   * which cost a noticeable part of the operator's start-up.
   */
  static final class ClientKey extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    ClientKey(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    /**
     * Returns whether the key suits {@code keyType}: "RSA", "EC", "RSASSA-PSS" in TLS 1.3 and
     * "EC_EC" or "EC_RSA" (key algorithm, then the issuer's) in TLS 1.2.
     */
    boolean suits(String keyType) {
      String algorithm = key.getAlgorithm();
      if (keyType == null) {
        return false;
      }
      if (keyType.equalsIgnoreCase(algorithm) || keyType.startsWith(algorithm + "_")) {
        return true;
      }
      return "RSASSA-PSS".equals(keyType) && "RSA".equals(algorithm);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return suits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return choose(keyTypes);
    }

    private String choose(String[] keyTypes) {
      if (keyTypes == null) {
        return null;
      }
      for (String keyType : keyTypes) {
        if (suits(keyType)) {
          return ALIAS;
        }
      }
      return null;
    }

    // The server side serves the tests' TLS servers, which use this class too.
    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return choose(new String[] {keyType});
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return choose(new String[] {keyType});
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
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
