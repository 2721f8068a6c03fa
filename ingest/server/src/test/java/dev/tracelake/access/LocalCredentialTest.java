package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCredentialTest {
  @TempDir Path dir;

  @Test
  void serversStartingTogetherShareOneTokenOnlyTheirUserCanRead() throws Exception {
    Path file = dir.resolve(".tracelake").resolve("token");
    int servers = 8;
    CyclicBarrier together = new CyclicBarrier(servers);
    ExecutorService pool = Executors.newFixedThreadPool(servers);
    List<Future<LocalCredential>> started = new ArrayList<>();
    try {
      for (int i = 0; i < servers; i++) {
        started.add(
            pool.submit(
                () -> {
                  together.await();
                  return LocalCredential.fromFile(file);
                }));
      }
      List<LocalCredential> credentials = new ArrayList<>();
      for (Future<LocalCredential> f : started) {
        credentials.add(f.get());
      }
      String token = Files.readString(file).strip();
      for (LocalCredential c : credentials) {
        assertThat(c.authenticateToken("u", token)).isPresent();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var left = Files.list(file.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("token");
    }
  }

  @Test
  void tokensAreCheckedAndComparedExactly() {
    LocalCredential credential = LocalCredential.of("tl_0123456789abcdef");
    assertThat(credential.authenticateToken("anyone", "tl_0123456789abcdef"))
        .hasValue(Principal.server("anyone"));
    assertThat(credential.authenticateToken("anyone", "tl_0123456789abcdeF")).isEmpty();
    assertThat(credential.authenticateToken("anyone", null)).isEmpty();
    assertThatThrownBy(() -> LocalCredential.of("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 characters");
    assertThatThrownBy(() -> LocalCredential.of("tl_0123456789 abcdef"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("printable ASCII without spaces; character 13");
  }
}
