package dev.tracelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracelake.lake.LakeConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The catalog and S3 options every command shares, and what they become in a LakeConfig. */
class LakeLocationTest {
  @TempDir Path dir;

  @Command(name = "probe")
  static final class Probe {
    @Mixin LakeLocation location;
  }

  private static LakeLocation parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    probe.location.environment = name -> null;
    return probe.location;
  }

  @BeforeEach
  void credentialsForTheSdkChain() {
    // the SDK's default chain stops at system properties, before it would ask an instance
    // metadata service off this machine
    System.setProperty("aws.accessKeyId", "test-key");
    System.setProperty("aws.secretAccessKey", "test-secret");
  }

  @AfterEach
  void clearCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void s3AndCatalogFlagsBecomeIcebergCatalogProperties() {
    LakeLocation location =
        parse(
            "--warehouse",
            "s3://lake/wh",
            "--catalog-uri",
            "jdbc:postgresql://db:5432/lake",
            "--catalog-user",
            "tracelake",
            "--s3-endpoint",
            "http://minio:9000",
            "--s3-path-style-access",
            "--s3-region",
            "eu-west-1");
    location.environment = Map.of(LakeLocation.CATALOG_PASSWORD_ENV, "pw-from-env")::get;

    LakeConfig config = location.lakeConfig();

    assertThat(config.warehouse()).isEqualTo("s3://lake/wh");
    assertThat(config.catalogProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "jdbc.user", "tracelake",
                "jdbc.password", "pw-from-env",
                "s3.endpoint", "http://minio:9000",
                "s3.path-style-access", "true",
                "client.region", "eu-west-1"));
    assertThat(config.toString()).doesNotContain("pw-from-env").contains("jdbc.password=***");
  }

  @Test
  void unsetOptionsAddNoProperties() {
    LakeLocation location = parse("--warehouse", dir.toString());

    assertThat(location.lakeConfig().catalogProperties()).isEmpty();
    assertThat(parse("--s3-path-style-access=false").catalogProperties())
        .containsExactly(Map.entry("s3.path-style-access", "false"));
  }

  @Test
  void passwordHasNoFlag() {
    CommandLine commandLine = new CommandLine(new Probe());

    assertThat(commandLine.getCommandSpec().optionsMap())
        .containsKeys("--catalog-user", "--s3-endpoint", "--s3-path-style-access", "--s3-region")
        .doesNotContainKey("--catalog-password");
  }

  @Test
  void s3WarehouseWithoutCatalogUriIsAUsageErrorNamingTheFlag() {
    CliHarness.Result result = CliHarness.runExactly("tables", "--warehouse", "s3://lake/wh");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .startsWith(
            "error: Warehouse s3://lake/wh is not a local directory, so the catalog cannot live"
                + " inside it: pass --catalog-uri <jdbc-url> (or set TRACELAKE_CATALOG_URI)");
  }

  @Test
  void unreachableS3EndpointFailsNamingWarehouseEndpointAndRegion() throws IOException {
    String deadEndpoint;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadEndpoint = "http://127.0.0.1:" + socket.getLocalPort();
    } // closed: nothing listens there any more

    CliHarness.Result result =
        CliHarness.runExactly(
            "tables",
            "--warehouse",
            "s3://lake/wh",
            "--catalog-uri",
            "jdbc:sqlite:" + dir.resolve("catalog.db"),
            "--s3-endpoint",
            deadEndpoint,
            "--s3-path-style-access",
            "--s3-region",
            "us-east-1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith(
            "error: Cannot reach warehouse s3://lake/wh (bucket lake, endpoint "
                + deadEndpoint
                + ", region us-east-1): ")
        .contains("Connection refused");
  }
}
