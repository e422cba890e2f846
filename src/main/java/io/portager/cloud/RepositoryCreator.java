package io.portager.cloud;

/**
 * Creates destination repositories on registries that do not create them on the first push (ECR). A
 * {@link RegistryTokenSource} that also implements this interface is used for {@code
 * spec.createDestinationRepos}.
 */
public interface RepositoryCreator {
  /** The outcome of {@link #ensureRepository}. */
  enum Result {
    /** The repository was missing and has been created. */
    CREATED,
    /** The repository existed already. */
    EXISTED,
    /** This operator process ensured the repository before, so nothing was sent. */
    ENSURED_BEFORE
  }

  /**
   * Makes sure {@code repository} exists on {@code registryHost}, creating it with {@code settings}
   * when missing. Settings apply only on creation: an existing repository is left as it is.
   *
   * @throws CloudCredentialException when the registry's API rejects the request or cannot be
   *     reached; its message names the missing permission
   */
  Result ensureRepository(String registryHost, String repository, RepositorySettings settings);
}
