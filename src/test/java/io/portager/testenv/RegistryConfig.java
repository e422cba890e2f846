package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * Writes the {@code config.yml} and, for htpasswd auth, the password file of an {@link
 * OciRegistry}. The same configuration works for distribution 2.8 and 3.1.
 */
final class RegistryConfig {
  private RegistryConfig() {}

  /** Writes {@code <directory>/config.yml} and returns its path. */
  static Path write(Path directory, String name, int port, RegistryAuth auth) {
    Path storage = directory.resolve("storage");
    RunDirectory.createDirectories(storage);
    // http.secret is set so that the registry does not warn about a random one on each start.
    String config =
        "version: 0.1\n"
            + "log:\n"
            + "  level: info\n"
            + "  formatter: text\n"
            + "storage:\n"
            + "  filesystem:\n"
            + "    rootdirectory: "
            + storage
            + "\n"
            + "  delete:\n"
            + "    enabled: true\n"
            + "http:\n"
            + "  addr: 127.0.0.1:"
            + port
            + "\n"
            + "  secret: "
            + UUID.randomUUID()
            + "\n"
            + authSection(directory, name, auth);
    Path file = directory.resolve("config.yml");
    try {
      Files.writeString(file, config);
    } catch (IOException e) {
      throw new UncheckedIOException("write registry config " + file, e);
    }
    return file;
  }

  private static String authSection(Path directory, String name, RegistryAuth auth) {
    // Java 17 has no pattern matching in switch, so the sealed cases are tested in turn.
    if (auth instanceof RegistryAuth.Htpasswd htpasswd) {
      return "auth:\n"
          + "  htpasswd:\n"
          + "    realm: "
          + htpasswd.realm()
          + "\n"
          + "    path: "
          + writeHtpasswd(directory, htpasswd.users())
          + "\n";
    }
    if (auth instanceof RegistryAuth.Token token) {
      return "auth:\n"
          + "  token:\n"
          + "    realm: "
          + token.server().realm()
          + "\n"
          + "    service: "
          + name
          + "\n"
          + "    issuer: "
          + token.server().issuer()
          + "\n"
          + "    rootcertbundle: "
          + token.server().certificateBundle()
          + "\n";
    }
    return "";
  }

  /** Writes bcrypt entries made by {@code htpasswd -Bbn}, the only hash distribution accepts. */
  private static Path writeHtpasswd(Path directory, Map<String, String> users) {
    Path htpasswd = Tools.find("htpasswd");
    StringBuilder entries = new StringBuilder();
    users.forEach(
        (user, password) -> {
          Command command = Command.of(htpasswd, "-Bbn", user, password).withSecrets(password);
          entries.append(Tools.run(command).stdout().strip()).append('\n');
        });
    Path file = directory.resolve("htpasswd");
    try {
      Files.writeString(file, entries.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("write htpasswd file " + file, e);
    }
    return file;
  }
}
