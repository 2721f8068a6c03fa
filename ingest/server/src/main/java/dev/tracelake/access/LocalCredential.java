package dev.tracelake.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own credential: one secret token, accepted from any user name, that authenticates as
 * the principal {@value #PRINCIPAL} (every privilege everywhere; with {@code --insecure-no-auth}
 * the only credential the doors take). The token is given (e.g. by an environment variable) or read
 * from a file that only the server's user can read, created with a fresh random token on first
 * start so clients on the same machine can read it and restarts keep it.
 */
public final class LocalCredential implements Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(LocalCredential.class);

  /** The name of the principal the local token authenticates. */
  public static final String PRINCIPAL = "local";

  /** The file name of the token under the warehouse's {@code .tracelake} directory. */
  public static final String FILE_NAME = "token";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final int MIN_TOKEN_LENGTH = 16;

  private final byte[] token;
  private final ScramVerifier verifier;

  private LocalCredential(String token, SecureRandom random) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.verifier = ScramVerifier.derive(token, random);
  }

  /**
   * Returns a credential for the given token.
   *
   * @throws IllegalArgumentException when the token is shorter than 16 characters or not printable
   *     ASCII
   */
  public static LocalCredential of(String token) {
    checkToken(token, "the configured token");
    return new LocalCredential(token, new SecureRandom());
  }

  /**
   * Reads the token from {@code file}, creating the file (mode 0600) with a new random token when
   * it does not exist.
   *
   * @throws UncheckedIOException when the file cannot be read or created
   * @throws IllegalArgumentException when the file holds no valid token
   */
  public static LocalCredential fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    SecureRandom random = new SecureRandom();
    try {
      if (!Files.exists(file)) {
        create(file, random);
      }
      String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
      checkToken(token, "the token in " + file);
      return new LocalCredential(token, random);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create the token file " + file, e);
    }
  }

  /**
   * Writes a fresh token to a temporary file (mode 0600) and links it into place, so that a server
   * starting at the same time on the same warehouse reads either no file or a complete one, and the
   * first server's token wins.
   */
  private static void create(Path file, SecureRandom random) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String fresh = "tl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Path tmp;
    try {
      tmp =
          Files.createTempFile(
              dir, ".token-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(dir, ".token-", ".tmp");
    }
    try {
      Files.writeString(tmp, fresh + "\n", StandardCharsets.US_ASCII);
      try {
        Files.createLink(file, tmp); // fails if another server created the file first
      } catch (UnsupportedOperationException noHardLinks) {
        Files.move(tmp, file);
      }
      LOG.info("Created the server token in {} (readable by this user only)", file);
    } catch (FileAlreadyExistsException raced) {
      // another server on the same warehouse created it first: use theirs
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void checkToken(String token, String what) {
    if (token == null || token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "Server token: " + what + " must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "Server token: "
                + what
                + " must be printable ASCII without spaces; character "
                + i
                + " is not");
      }
    }
  }

  @Override
  public Optional<Principal> authenticateToken(String user, String presented) {
    if (presented == null) {
      return Optional.empty();
    }
    // constant time, so the comparison leaks nothing about how much of the token matched
    boolean matches = MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
    return matches ? Optional.of(Principal.server(user == null ? "" : user)) : Optional.empty();
  }

  @Override
  public Optional<ScramVerifier> scramVerifier(String user) {
    return Optional.of(verifier);
  }

  @Override
  public Principal scramPrincipal(String user) {
    return Principal.server(user);
  }
}
