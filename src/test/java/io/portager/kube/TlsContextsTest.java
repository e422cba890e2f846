package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class TlsContextsTest {
  private static PrivateKey key(String algorithm) throws Exception {
    return KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPrivate();
  }

  @Test
  void rsaKeySuitsRsaKeyTypes() throws Exception {
    TlsContexts.ClientKey manager = new TlsContexts.ClientKey(key("RSA"), new X509Certificate[0]);

    assertTrue(manager.suits("RSA"));
    assertTrue(manager.suits("RSASSA-PSS"));
    assertFalse(manager.suits("EC"));
    assertFalse(manager.suits("EC_EC"));
    assertFalse(manager.suits(null));
    assertEquals("client", manager.chooseEngineClientAlias(new String[] {"EC", "RSA"}, null, null));
  }

  @Test
  void ecKeySuitsEcKeyTypesOnly() throws Exception {
    TlsContexts.ClientKey manager = new TlsContexts.ClientKey(key("EC"), new X509Certificate[0]);

    assertTrue(manager.suits("EC"));
    assertTrue(manager.suits("EC_EC"));
    assertTrue(manager.suits("EC_RSA"));
    assertFalse(manager.suits("RSA"));
    assertFalse(manager.suits("RSASSA-PSS"));
    assertNull(manager.chooseClientAlias(new String[] {"RSA", "RSASSA-PSS"}, null, null));
  }

  @Test
  void clientKeyServesOnlyItsAlias() throws Exception {
    PrivateKey key = key("EC");
    TlsContexts.ClientKey manager = new TlsContexts.ClientKey(key, new X509Certificate[0]);

    assertEquals(key, manager.getPrivateKey("client"));
    assertArrayEquals(new X509Certificate[0], manager.getCertificateChain("client"));
    assertNull(manager.getPrivateKey("other"));
    assertNull(manager.getCertificateChain("other"));
    assertArrayEquals(new String[] {"client"}, manager.getServerAliases("EC", null));
    assertNull(manager.chooseEngineServerAlias("RSA", null, null));
    assertArrayEquals(new String[] {"client"}, manager.getClientAliases("EC", null));
  }
}
