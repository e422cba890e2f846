package io.portager.testenv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code skopeo} command as an independent registry client. References are written without a
 * transport ({@code 127.0.0.1:5000/demo/app:1.0}) except in {@link #copy}, and every registry is
 * reached over plain HTTP ({@code --tls-verify=false}).
 *
 * <p>Credentials go on the command line ({@code --creds}); they are masked in exception messages. A
 * private trust policy that accepts anything is used, so the host's {@code
 * /etc/containers/policy.json} does not matter.
 */
public final class Skopeo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path binary;
  private final Path policy;
  private final Path temporaryDirectory;

  private Skopeo(Path binary, Path policy, Path temporaryDirectory) {
    this.binary = binary;
    this.policy = policy;
    this.temporaryDirectory = temporaryDirectory;
  }

  /** Finds skopeo and writes its trust policy to {@code <run>/skopeo}. */
  public static Skopeo create(RunDirectory run) {
    Path directory = run.directory("skopeo");
    Path policy = directory.resolve("policy.json");
    try {
      Files.writeString(policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n");
    } catch (IOException e) {
      throw new UncheckedIOException("write skopeo policy " + policy, e);
    }
    return new Skopeo(Tools.find("skopeo"), policy, run.directory("skopeo/tmp"));
  }

  /** Returns {@code "sha256:" + hex} of the exact manifest bytes the registry serves. */
  public String digest(String reference, RegistryCredentials credentials) {
    return sha256(rawManifest(reference, credentials));
  }

  /** Returns the manifest or index bytes exactly as the registry serves them. */
  public byte[] rawManifest(String reference, RegistryCredentials credentials) {
    Command command =
        command("inspect", "--raw", "--tls-verify=false")
            .withArguments(credentialArguments("", credentials))
            .withArguments("docker://" + reference)
            .withSecrets(credentials.password());
    return Tools.run(command).stdoutBytes();
  }

  /** Returns the tags of {@code repository} ({@code host:port/name}) in the registry's order. */
  public List<String> listTags(String repository, RegistryCredentials credentials) {
    Command command =
        command("list-tags", "--tls-verify=false")
            .withArguments(credentialArguments("", credentials))
            .withArguments("docker://" + repository)
            .withSecrets(credentials.password());
    try {
      JsonNode tags = JSON.readTree(Tools.run(command).stdout()).path("Tags");
      List<String> result = new ArrayList<>();
      tags.forEach(tag -> result.add(tag.asText()));
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("parse skopeo list-tags output for " + repository, e);
    }
  }

  /**
   * Copies an image between two transports, for example {@code oci:/path/layout:1.0} to {@code
   * docker://127.0.0.1:5000/demo/app:1.0}.
   *
   * @param options extra {@code skopeo copy} flags, such as {@code --all} or {@code --format=v2s2}
   * @throws CommandFailedException if skopeo fails, for example when the registry rejects a push
   */
  public void copy(
      String source,
      RegistryCredentials sourceCredentials,
      String destination,
      RegistryCredentials destinationCredentials,
      String... options) {
    Command command = command("copy", "--quiet").withArguments(options);
    if (source.startsWith("docker://")) {
      command =
          command
              .withArguments("--src-tls-verify=false")
              .withArguments(credentialArguments("src-", sourceCredentials));
    }
    if (destination.startsWith("docker://")) {
      command =
          command
              .withArguments("--dest-tls-verify=false")
              .withArguments(credentialArguments("dest-", destinationCredentials));
    }
    command =
        command
            .withArguments(source, destination)
            .withSecrets(sourceCredentials.password(), destinationCredentials.password())
            .withTimeout(Duration.ofMinutes(5));
    Tools.run(command);
  }

  /** Returns {@code "sha256:" + hex} of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private Command command(String subcommand, String... arguments) {
    return Command.of(
            binary, "--policy", policy.toString(), "--tmpdir", temporaryDirectory.toString())
        .withArguments(subcommand)
        .withArguments(arguments);
  }

  private static String[] credentialArguments(String prefix, RegistryCredentials credentials) {
    if (credentials.isAnonymous()) {
      return new String[] {"--" + prefix + "no-creds"};
    }
    return new String[] {"--" + prefix + "creds", credentials.colonForm()};
  }
}
