package dev.tracelake.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
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
 * The OpenLineage endpoint in its own process (as served): clients that never finish a request body
 * neither block other clients nor keep their connections, and a body that is not JSON gets 415.
 */
class OpenLineageServerHardeningTest {
  private static final int STALLED = 6;

  @Test
  void stalledClientsBlockNoOneAndAreCutOffAndOtherContentTypesGet415() throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                OpenLineageServerMain.class.getName())
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

      for (int i = 0; i < STALLED; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(60_000);
        OutputStream o = s.getOutputStream();
        o.write(
            ("POST /api/v1/lineage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type:"
                    + " application/json\r\nContent-Length: 100000\r\n\r\n{\"eventType\":")
                .getBytes(StandardCharsets.US_ASCII));
        o.flush();
        stalled.add(s);
      }

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + port + OpenLineageEmitter.PATH);
      for (String type :
          List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(8))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(type).isEqualTo(415);
        assertThat(response.body())
            .contains("is not supported; send the event as application/json");
      }
      HttpResponse<String> json =
          http.send(
              HttpRequest.newBuilder(uri)
                  .timeout(Duration.ofSeconds(8))
                  .header("Content-Type", "application/json; charset=utf-8")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"not\": \"an event\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(json.statusCode()).isEqualTo(400);

      // the server gives up on each stalled request and closes its connection
      for (Socket s : stalled) {
        byte[] buffer = new byte[4096];
        int read;
        try {
          do {
            read = s.getInputStream().read(buffer);
          } while (read > 0);
        } catch (java.net.SocketException reset) {
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
