package dev.tracelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The metrics endpoint in its own process (as served): clients that never finish their request
 * neither block scrapes nor keep their connections; a request with a body gets 415.
 */
class MetricsServerHardeningTest {
  @Test
  void stalledClientsBlockNoScrapeAndAreCutOff() throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                MetricsServerMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<Socket> stalled = new ArrayList<>();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      while (line != null && !line.startsWith("port ")) {
        line = out.readLine(); // logging's own start-up lines
      }
      assertThat(line).startsWith("port ");
      int port = Integer.parseInt(line.substring(5).strip());
      for (int i = 0; i < 6; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(60_000);
        OutputStream o = s.getOutputStream();
        o.write(
            ("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\nab")
                .getBytes(StandardCharsets.US_ASCII));
        o.flush();
        stalled.add(s);
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + port + MetricsHttpServer.PATH);
      HttpResponse<String> scrape =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(8)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("jvm_");
      HttpResponse<String> withBody =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(8))
                  .header("Content-Type", "application/json")
                  .method("GET", HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(withBody.statusCode()).isEqualTo(415);
      for (Socket s : stalled) {
        int read;
        try {
          byte[] buffer = new byte[4096];
          do {
            read = s.getInputStream().read(buffer);
          } while (read > 0);
        } catch (SocketException reset) {
          read = -1;
        }
        assertThat(read).isEqualTo(-1);
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
