/**
 * Tag selection for ImageSync: semantic versions read from tags, semver constraints in the syntax
 * of Masterminds/semver 3.x, and the include and exclude regular expressions that choose which tags
 * of a repository to sync.
 *
 * <p>Pure code: no I/O, no clock, and no dependency on other Portager packages.
 *
 * <p>Known limits: tags longer than 128 characters (the OCI limit) are never versions. Constraints
 * longer than 1024 characters and regular expressions longer than 1024 characters are rejected, and
 * a regular expression that reads more than a million characters matching one tag stops selection
 * with an error. Regular expressions use Java syntax, which differs from the RE2 syntax of the Go
 * Portager: Java accepts backreferences and lookaround, and rejects {@code (?P<name>...)} groups.
 * Versions with leading zeros such as {@code 01.2.3} are not versions here, though
 * Masterminds/semver reads them as 1.2.3.
 */
package io.portager.tags;
