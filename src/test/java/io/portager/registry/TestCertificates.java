package io.portager.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Two CAs and a server certificate for 127.0.0.1, made with /usr/bin/openssl in a directory. */
final class TestCertificates {
  static final String KEYSTORE_PASSWORD = "changeit";

  final Path firstCa;
  final Path secondCa;
  final Path serverKeystore;

  /** Creates both CAs and a server certificate signed by the second one. */
  TestCertificates(Path directory) throws IOException, InterruptedException {
    firstCa = directory.resolve("first-ca.pem");
    secondCa = directory.resolve("second-ca.pem");
    serverKeystore = directory.resolve("server.p12");
    Path firstKey = directory.resolve("first-ca.key");
    Path secondKey = directory.resolve("second-ca.key");
    Path serverKey = directory.resolve("server.key");
    Path request = directory.resolve("server.csr");
    Path server = directory.resolve("server.pem");
    Path extensions = directory.resolve("server.ext");

    selfSignedCa(firstKey, firstCa, "first test CA");
    selfSignedCa(secondKey, secondCa, "second test CA");
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        serverKey.toString(),
        "-subj",
        "/CN=127.0.0.1",
        "-out",
        request.toString());
    Files.writeString(extensions, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    openssl(
        "x509",
        "-req",
        "-in",
        request.toString(),
        "-CA",
        secondCa.toString(),
        "-CAkey",
        secondKey.toString(),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        extensions.toString(),
        "-out",
        server.toString());
    openssl(
        "pkcs12",
        "-export",
        "-inkey",
        serverKey.toString(),
        "-in",
        server.toString(),
        "-passout",
        "pass:" + KEYSTORE_PASSWORD,
        "-out",
        serverKeystore.toString());
  }

  /** Returns a server TLS context with the certificate signed by the second CA. */
  SSLContext serverContext() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverKeystore)) {
      store.load(in, KEYSTORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, KEYSTORE_PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static void selfSignedCa(Path key, Path certificate, String name)
      throws IOException, InterruptedException {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.toString(),
        "-subj",
        "/CN=" + name,
        "-days",
        "2",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
        "-out",
        certificate.toString());
  }

  private static void openssl(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("openssl " + arguments[0] + " failed: " + new String(output));
    }
  }
}
