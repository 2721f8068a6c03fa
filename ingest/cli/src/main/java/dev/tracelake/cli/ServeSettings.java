package dev.tracelake.cli;

import dev.tracelake.icebergrest.RestCatalogConfig;
import dev.tracelake.ingest.BackgroundCompaction;
import dev.tracelake.ingest.IngestConfig;
import dev.tracelake.ingest.TracelakeServer;
import dev.tracelake.lake.LakeConfig;
import dev.tracelake.pgwire.PgServerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The settings half of {@code tracelake serve}: its options, and how each setting is resolved from,
 * in order, its flag, its environment variable ({@code TRACELAKE_} and the flag's name), the
 * optional properties file ({@code --config}, keys as the flags without dashes), then the default.
 * A bad value is a usage error naming the setting and its variable. {@link ServeCommand} runs the
 * server with what this resolves.
 */
final class ServeSettings {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "<file>", description = "Properties file of settings.")
  Path configFile;

  @Option(
      names = "--host",
      description = "Address to bind (env TRACELAKE_HOST; default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "gRPC port (env TRACELAKE_PORT; default 7420).")
  Integer port;

  @Option(
      names = "--commit-interval-ms",
      description =
          "Longest wait of a request for its commit (env TRACELAKE_COMMIT_INTERVAL_MS;"
              + " default 1000).")
  Long commitIntervalMs;

  @Option(
      names = "--max-message-bytes",
      description = "Largest request accepted (env TRACELAKE_MAX_MESSAGE_BYTES; default 64 MiB).")
  Integer maxMessageBytes;

  @Option(
      names = "--inflight-bytes",
      description =
          "Memory for requests not yet committed (env TRACELAKE_INFLIGHT_BYTES;"
              + " default 512 MiB).")
  Long inflightBytes;

  @Option(
      names = "--write-threads",
      description =
          "Threads that encode the Parquet of one large commit, each into its own data files"
              + " (env TRACELAKE_WRITE_THREADS; default: the number of processors).")
  Integer writeThreads;

  @Option(
      names = "--openlineage-port",
      description =
          "Port of the OpenLineage HTTP endpoint POST /api/v1/lineage, on the same host"
              + " (env TRACELAKE_OPENLINEAGE_PORT; default "
              + ServeCommand.DEFAULT_OPENLINEAGE_PORT
              + "; -1 disables it).")
  Integer openLineagePort;

  @Option(
      names = "--openlineage-url",
      paramLabel = "<url>",
      description =
          "Send an OpenLineage RunEvent for every run change to this Marquez-compatible endpoint"
              + " (POST <url>/api/v1/lineage; env TRACELAKE_OPENLINEAGE_URL; default: none).")
  String openLineageUrl;

  @Option(
      names = "--openlineage-namespace",
      paramLabel = "<ns>",
      description =
          "Namespace of the jobs and datasets in emitted events (env"
              + " TRACELAKE_OPENLINEAGE_NAMESPACE; default tracelake).")
  String openLineageNamespace;

  @Option(
      names = "--metrics-port",
      description =
          "Port of the Prometheus endpoint GET /metrics, on the same host (env"
              + " TRACELAKE_METRICS_PORT; default "
              + ServeCommand.DEFAULT_METRICS_PORT
              + "; -1 disables it).")
  Integer metricsPort;

  @Option(
      names = "--console-port",
      description =
          "Port of the auditor's web console (env TRACELAKE_CONSOLE_PORT; default "
              + ServeCommand.DEFAULT_CONSOLE_PORT
              + "; -1 disables it). It signs in with the server token (see --token-file).")
  Integer consolePort;

  @Option(
      names = "--console-host",
      description =
          "Address the console binds (env TRACELAKE_CONSOLE_HOST; default 127.0.0.1). Any"
              + " address under access control; only loopback addresses with --insecure-no-auth,"
              + " unless --console-allow-remote.")
  String consoleHost;

  @Option(
      names = "--console-allow-remote",
      description =
          "Let the console bind a non-loopback address even with --insecure-no-auth. INSECURE:"
              + " anyone with the server token sees every table.")
  boolean consoleAllowRemote;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description =
          "Log format on stderr: text, or json (one object per line) for log collectors (env"
              + " TRACELAKE_LOG_FORMAT; default text).")
  LogFormat logFormat;

  @Option(
      names = "--health-check-interval-ms",
      description =
          "How often the catalog and warehouse are checked; while either fails, gRPC health"
              + " reports NOT_SERVING (env TRACELAKE_HEALTH_CHECK_INTERVAL_MS; default 10000).")
  Long healthCheckIntervalMs;

  @Option(
      names = "--compaction-interval-ms",
      description =
          "How often the small files of the tables this server writes are compacted, in the"
              + " background; -1 turns it off (env TRACELAKE_COMPACTION_INTERVAL_MS; default"
              + " 60000).")
  Long compactionIntervalMs;

  @Option(
      names = "--run-timeout-ms",
      description =
          "How long a started run may go without a connected writer, a commit or a start before it"
              + " is ABORTED (env TRACELAKE_RUN_TIMEOUT_MS; default 600000).")
  Long runTimeoutMs;

  @Option(
      names = "--pg-port",
      description =
          "Port of the PostgreSQL endpoint (Tracelake SQL for psql, JDBC, pandas and BI tools), on"
              + " the same host (env TRACELAKE_PG_PORT; default "
              + PgServerConfig.DEFAULT_PORT
              + "; -1 disables it).")
  Integer pgPort;

  @Option(
      names = "--pg-max-connections",
      description =
          "PostgreSQL connections served at once; more are refused (env"
              + " TRACELAKE_PG_MAX_CONNECTIONS; default 100).")
  Integer pgMaxConnections;

  @Option(
      names = "--rest-port",
      description =
          "Port of the Iceberg REST catalog (read-only, for Spark, Trino, Flink, PyIceberg), on the"
              + " same host (env TRACELAKE_REST_PORT; default "
              + RestCatalogConfig.DEFAULT_PORT
              + "; -1 disables it).")
  Integer restPort;

  @Option(
      names = "--token-file",
      paramLabel = "<file>",
      description =
          "The server token's file, created (mode 0600) with a random token when missing; the"
              + " PostgreSQL password and the REST bearer token (env TRACELAKE_TOKEN_FILE; default"
              + " <warehouse>/.tracelake/token). TRACELAKE_TOKEN gives the token itself instead.")
  Path tokenFile;

  @Option(
      names = "--pg-tls-keystore",
      paramLabel = "<file.p12>",
      description =
          "PKCS#12 keystore (certificate and key) for TLS on the PostgreSQL endpoint: clients"
              + " asking for SSL get it (env TRACELAKE_PG_TLS_KEYSTORE; password in"
              + " TRACELAKE_PG_TLS_KEYSTORE_PASSWORD; default: no TLS, SSLRequest answered N).")
  Path pgTlsKeystore;

  @Option(
      names = "--doors-allow-remote",
      description =
          "Let the PostgreSQL endpoint and the REST catalog listen on a non-loopback --host (env"
              + " TRACELAKE_DOORS_ALLOW_REMOTE=true). Until access control exists they accept one"
              + " shared token and have no per-table privileges.")
  Boolean doorsAllowRemote;

  @Option(
      names = "--insecure-no-auth",
      description =
          "Serve without access control: any caller may do anything (env"
              + " TRACELAKE_INSECURE_NO_AUTH=true). By default every call needs a bearer token: the"
              + " server's own (in --token-file, picked up by the CLI on this machine) or one issued"
              + " with 'tracelake auth token create'.")
  Boolean insecureNoAuth;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "<ca.crt>",
      description =
          "PEM bundle of the CAs client certificates must chain to; a gRPC client presenting one"
              + " and no bearer token is the principal its certificate names (env"
              + " TRACELAKE_TLS_CLIENT_CA).")
  Path tlsClientCa;

  @Option(
      names = "--tls-client-auth",
      paramLabel = "none|optional|require",
      description =
          "Whether clients are asked for a certificate (env TRACELAKE_TLS_CLIENT_AUTH; default"
              + " optional with --tls-client-ca, none without).")
  String tlsClientAuth;

  @Option(
      names = "--tls-principal-from",
      paramLabel = "cn|san-email|san-dns",
      description =
          "Which part of a client certificate names its principal (env"
              + " TRACELAKE_TLS_PRINCIPAL_FROM; default cn: the subject's common name).")
  String tlsPrincipalFrom;

  @Option(
      names = "--health-port",
      description =
          "Port of a plaintext gRPC port serving only grpc.health.v1 (env TRACELAKE_HEALTH_PORT;"
              + " default -1: none), for probes that cannot speak TLS such as kubelet's.")
  Integer healthPort;

  int healthPort(Properties file) {
    return optionalPort(healthPort, "health-port", -1, file);
  }

  @Option(
      names = "--metrics-host",
      description =
          "Address the plaintext Prometheus endpoint binds (env TRACELAKE_METRICS_HOST; default:"
              + " --host), e.g. a cluster-internal address while gRPC listens publicly.")
  String metricsHost;

  /** The address the metrics endpoint binds: its own setting, or the gRPC host. */
  String metricsHost(Properties file, String grpcHost) {
    return setting(
        metricsHost, envName("metrics-host"), file, "metrics-host", Function.identity(), grpcHost);
  }

  /**
   * Loads the server's TLS from the PEM files the settings name, or returns null when no
   * certificate is set.
   *
   * @throws ParameterException naming the setting or file at fault
   */
  dev.tracelake.tls.ServerTls tls(Properties file, ClientTls own) {
    // --tls-cert and --tls-key are every command's own certificate (ClientTls): serve's is the
    // one it serves with
    if (own.ca != null || own.tls) {
      throw new ParameterException(
          spec.commandLine(),
          "serve takes --tls-cert and --tls-key (its own certificate) and --tls-client-ca (the"
              + " CAs of client certificates), not --tls-ca or --tls");
    }
    Path cert = setting(own.cert, envName("tls-cert"), file, "tls-cert", Path::of, null);
    Path key = setting(own.key, envName("tls-key"), file, "tls-key", Path::of, null);
    Path ca = setting(tlsClientCa, envName("tls-client-ca"), file, "tls-client-ca", Path::of, null);
    String auth =
        setting(
            tlsClientAuth,
            envName("tls-client-auth"),
            file,
            "tls-client-auth",
            Function.identity(),
            null);
    if (cert == null && key == null) {
      if (ca != null || auth != null) {
        throw new ParameterException(
            spec.commandLine(),
            "Settings tls-client-ca and tls-client-auth need tls-cert and tls-key: the server's"
                + " own certificate");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting "
              + (cert == null ? "tls-cert (TRACELAKE_TLS_CERT)" : "tls-key (TRACELAKE_TLS_KEY)")
              + " is missing: TLS needs both the certificate and its private key");
    }
    try {
      return dev.tracelake.tls.ServerTls.load(
          dev.tracelake.tls.TlsSettings.of(
              cert, key, ca, auth == null ? null : dev.tracelake.tls.ClientAuth.parse(auth)));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Which part of a client certificate names its principal. */
  dev.tracelake.access.CertificatePrincipals tlsPrincipalFrom(Properties file) {
    try {
      return setting(
          tlsPrincipalFrom == null
              ? null
              : dev.tracelake.access.CertificatePrincipals.parse(tlsPrincipalFrom),
          envName("tls-principal-from"),
          file,
          "tls-principal-from",
          dev.tracelake.access.CertificatePrincipals::parse,
          dev.tracelake.access.CertificatePrincipals.CN);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Option(
      names = "--oidc-issuer",
      paramLabel = "<url>",
      description =
          "Accept JWT bearer tokens of this OpenID Connect issuer (exactly its 'iss'), validated"
              + " against its keys, found through <url>/.well-known/openid-configuration (env"
              + " TRACELAKE_OIDC_ISSUER; https only, http on loopback; default: none). Needs"
              + " --oidc-audience.")
  String oidcIssuer;

  @Option(
      names = "--oidc-audience",
      paramLabel = "<aud>",
      description =
          "The audience an OIDC token must name in 'aud', e.g. the client id registered for"
              + " Tracelake (env TRACELAKE_OIDC_AUDIENCE; required with --oidc-issuer).")
  String oidcAudience;

  @Option(
      names = "--oidc-jwks-url",
      paramLabel = "<url>",
      description =
          "The issuer's key set (JWKS), instead of discovering it (env TRACELAKE_OIDC_JWKS_URL).")
  String oidcJwksUrl;

  @Option(
      names = "--oidc-principal-claim",
      paramLabel = "<claim>",
      description =
          "The claim naming the principal: sub, email, preferred_username, ... (env"
              + " TRACELAKE_OIDC_PRINCIPAL_CLAIM; default sub).")
  String oidcPrincipalClaim;

  @Option(
      names = "--oidc-roles-claim",
      paramLabel = "<claim>",
      description =
          "A claim listing roles (groups, roles, realm_access.roles): each value naming an"
              + " existing Tracelake role makes the principal a member of it for the token's life"
              + " (env TRACELAKE_OIDC_ROLES_CLAIM; default: none).")
  String oidcRolesClaim;

  /**
   * The OIDC issuer whose tokens are accepted, or null when none is configured.
   *
   * @throws ParameterException naming the setting when a value is not valid
   */
  dev.tracelake.access.OidcSettings oidcSettings(Properties file) {
    String issuer =
        setting(oidcIssuer, envName("oidc-issuer"), file, "oidc-issuer", Function.identity(), null);
    String audience =
        setting(
            oidcAudience,
            envName("oidc-audience"),
            file,
            "oidc-audience",
            Function.identity(),
            null);
    String jwks =
        setting(
            oidcJwksUrl,
            envName("oidc-jwks-url"),
            file,
            "oidc-jwks-url",
            Function.identity(),
            null);
    String principal =
        setting(
            oidcPrincipalClaim,
            envName("oidc-principal-claim"),
            file,
            "oidc-principal-claim",
            Function.identity(),
            null);
    String roles =
        setting(
            oidcRolesClaim,
            envName("oidc-roles-claim"),
            file,
            "oidc-roles-claim",
            Function.identity(),
            null);
    if (issuer == null) {
      if (audience != null || jwks != null || principal != null || roles != null) {
        throw new ParameterException(
            spec.commandLine(),
            "The OIDC settings need --oidc-issuer (TRACELAKE_OIDC_ISSUER): the issuer whose"
                + " tokens to accept");
      }
      return null;
    }
    try {
      return dev.tracelake.access.OidcSettings.of(issuer, audience)
          .withJwksUrl(jwks)
          .withPrincipalClaim(principal)
          .withRolesClaim(roles);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Whether to serve without access control (only when asked explicitly). */
  boolean insecureNoAuth(Properties file) {
    return setting(
        insecureNoAuth,
        envName("insecure-no-auth"),
        file,
        "insecure-no-auth",
        Boolean::valueOf,
        false);
  }

  /** The Marquez-compatible endpoint run events go to, or null. */
  String openLineageUrl(Properties file) {
    return setting(
        openLineageUrl,
        "TRACELAKE_OPENLINEAGE_URL",
        file,
        "openlineage-url",
        Function.identity(),
        null);
  }

  /** The namespace of the jobs and datasets in emitted run events. */
  String openLineageNamespace(Properties file) {
    return setting(
        openLineageNamespace,
        "TRACELAKE_OPENLINEAGE_NAMESPACE",
        file,
        "openlineage-namespace",
        Function.identity(),
        "tracelake");
  }

  /** Resolves the settings of the PostgreSQL endpoint and the Iceberg REST catalog. */
  Doors.Settings doorSettings(Properties file, String host, LakeConfig lakeConfig) {
    int pg = optionalPort(pgPort, "pg-port", PgServerConfig.DEFAULT_PORT, file);
    int rest = optionalPort(restPort, "rest-port", RestCatalogConfig.DEFAULT_PORT, file);
    int maxConnections;
    try {
      maxConnections =
          setting(
              pgMaxConnections,
              envName("pg-max-connections"),
              file,
              "pg-max-connections",
              Integer::valueOf,
              100);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path tokens =
        setting(
            tokenFile,
            envName("token-file"),
            file,
            "token-file",
            Path::of,
            Doors.defaultTokenFile(lakeConfig));
    boolean allowRemote =
        setting(
            doorsAllowRemote,
            envName("doors-allow-remote"),
            file,
            "doors-allow-remote",
            Boolean::valueOf,
            false);
    String token = System.getenv("TRACELAKE_TOKEN");
    Path keystore =
        setting(pgTlsKeystore, envName("pg-tls-keystore"), file, "pg-tls-keystore", Path::of, null);
    String keystorePassword = System.getenv("TRACELAKE_PG_TLS_KEYSTORE_PASSWORD");
    Doors.Settings settings =
        new Doors.Settings(
            host,
            pg,
            maxConnections,
            rest,
            tokens,
            token == null || token.isBlank() ? null : token.strip(),
            allowRemote,
            keystore,
            keystorePassword == null ? new char[0] : keystorePassword.toCharArray());
    try {
      Doors.checkBinding(settings, !insecureNoAuth(file));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return settings;
  }

  /** Whether the port of an optional endpoint was asked for (flag, env or file), not defaulted. */
  boolean portGiven(String key, Properties file) {
    Integer flag =
        switch (key) {
          case "openlineage-port" -> openLineagePort;
          case "metrics-port" -> metricsPort;
          case "pg-port" -> pgPort;
          case "rest-port" -> restPort;
          case "console-port" -> consolePort;
          case "health-port" -> healthPort;
          default -> throw new IllegalArgumentException("No optional endpoint's port is " + key);
        };
    String env = System.getenv(envName(key));
    return flag != null || (env != null && !env.isBlank()) || file.getProperty(key) != null;
  }

  private static String envName(String key) {
    return "TRACELAKE_" + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  int openLineagePort(Properties file) {
    return optionalPort(
        openLineagePort, "openlineage-port", ServeCommand.DEFAULT_OPENLINEAGE_PORT, file);
  }

  int consolePort(Properties file) {
    return optionalPort(consolePort, "console-port", ServeCommand.DEFAULT_CONSOLE_PORT, file);
  }

  String consoleHost(Properties file) {
    return setting(
        consoleHost,
        envName("console-host"),
        file,
        "console-host",
        Function.identity(),
        "127.0.0.1");
  }

  int metricsPort(Properties file) {
    return optionalPort(metricsPort, "metrics-port", ServeCommand.DEFAULT_METRICS_PORT, file);
  }

  /** Returns the port in force for an optional endpoint: -1 (disabled) or 0 to 65535. */
  private int optionalPort(Integer flag, String key, int fallback, Properties file) {
    int port;
    try {
      port = setting(flag, envName(key), file, key, Integer::valueOf, fallback);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (port < -1 || port > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting "
              + key
              + " ("
              + envName(key)
              + ") must be -1 (disabled) or a port from 0 to 65535, got "
              + port);
    }
    return port;
  }

  LogFormat logFormat(Properties file) {
    try {
      return setting(
          logFormat,
          "TRACELAKE_LOG_FORMAT",
          file,
          "log-format",
          text -> {
            for (LogFormat f : LogFormat.values()) {
              if (f.name().equalsIgnoreCase(text)) {
                return f;
              }
            }
            throw new IllegalArgumentException(
                "Setting log-format (TRACELAKE_LOG_FORMAT) must be text or json, got '"
                    + text
                    + "'");
          },
          LogFormat.TEXT);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  java.time.Duration healthInterval(Properties file) {
    long ms;
    try {
      ms =
          setting(
              healthCheckIntervalMs,
              "TRACELAKE_HEALTH_CHECK_INTERVAL_MS",
              file,
              "health-check-interval-ms",
              Long::valueOf,
              TracelakeServer.DEFAULT_HEALTH_INTERVAL.toMillis());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (ms <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting health-check-interval-ms (TRACELAKE_HEALTH_CHECK_INTERVAL_MS) must be"
              + " positive, got "
              + ms);
    }
    return java.time.Duration.ofMillis(ms);
  }

  /** Returns the background compaction interval, or null when it is turned off (-1). */
  java.time.Duration compactionInterval(Properties file) {
    long ms;
    try {
      ms =
          setting(
              compactionIntervalMs,
              "TRACELAKE_COMPACTION_INTERVAL_MS",
              file,
              "compaction-interval-ms",
              Long::valueOf,
              BackgroundCompaction.DEFAULT_INTERVAL.toMillis());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (ms == -1) {
      return null;
    }
    if (ms <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting compaction-interval-ms (TRACELAKE_COMPACTION_INTERVAL_MS) must be positive or"
              + " -1 (off), got "
              + ms);
    }
    return java.time.Duration.ofMillis(ms);
  }

  java.time.Duration runTimeout(Properties file) {
    long ms;
    try {
      ms =
          setting(
              runTimeoutMs,
              "TRACELAKE_RUN_TIMEOUT_MS",
              file,
              "run-timeout-ms",
              Long::valueOf,
              java.time.Duration.ofMinutes(10).toMillis());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (ms <= 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Setting run-timeout-ms (TRACELAKE_RUN_TIMEOUT_MS) must be positive, got " + ms);
    }
    return java.time.Duration.ofMillis(ms);
  }

  Properties loadConfigFile() {
    Properties props = new Properties();
    if (configFile == null) {
      return props;
    }
    try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw CliException.of("Cannot read config file %s: %s", configFile, e.getMessage());
    }
    return props;
  }

  IngestConfig ingestConfig(Properties file) {
    IngestConfig d = IngestConfig.defaults();
    try {
      IngestConfig config =
          new IngestConfig(
              setting(host, "TRACELAKE_HOST", file, "host", Function.identity(), d.host()),
              setting(port, "TRACELAKE_PORT", file, "port", Integer::valueOf, d.port()),
              setting(
                  maxMessageBytes,
                  "TRACELAKE_MAX_MESSAGE_BYTES",
                  file,
                  "max-message-bytes",
                  Integer::valueOf,
                  d.maxMessageBytes()),
              d.commitMaxRows(),
              d.commitMaxBytes(),
              Duration.ofMillis(
                  setting(
                      commitIntervalMs,
                      "TRACELAKE_COMMIT_INTERVAL_MS",
                      file,
                      "commit-interval-ms",
                      Long::valueOf,
                      d.commitInterval().toMillis())),
              setting(
                  inflightBytes,
                  "TRACELAKE_INFLIGHT_BYTES",
                  file,
                  "inflight-bytes",
                  Long::valueOf,
                  d.inflightBytes()),
              d.shutdownGrace(),
              setting(
                  writeThreads,
                  "TRACELAKE_WRITE_THREADS",
                  file,
                  "write-threads",
                  Integer::valueOf,
                  d.writeThreads()));
      return config;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  LakeConfig lakeConfig(Properties file, GlobalOptions global) {
    var matched = spec.commandLine().getParseResult();
    String warehouse = global.location.warehouse;
    if (!matched.hasMatchedOption("--warehouse")
        && System.getenv("TRACELAKE_WAREHOUSE") == null
        && file.getProperty("warehouse") != null) {
      warehouse = file.getProperty("warehouse");
    }
    String catalog = global.location.catalogUri;
    if (!matched.hasMatchedOption("--catalog-uri")
        && System.getenv("TRACELAKE_CATALOG_URI") == null
        && file.getProperty("catalog-uri") != null) {
      catalog = file.getProperty("catalog-uri");
    }
    LakeConfig.Builder builder =
        LakeConfig.builder()
            .warehouse(warehouse)
            .catalogUri(catalog == null || catalog.isBlank() ? null : catalog);
    // catalog.* keys pass through as Iceberg catalog properties (jdbc.user, jdbc.password, ...)
    for (Map.Entry<Object, Object> e : file.entrySet()) {
      String key = e.getKey().toString();
      if (key.startsWith("catalog.")) {
        builder.catalogProperty(key.substring("catalog.".length()), e.getValue().toString());
      }
    }
    // catalog user/password and S3 flags or env variables win over the file's catalog.* keys
    global.location.catalogProperties().forEach(builder::catalogProperty);
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private static <T> T setting(
      T flag, String env, Properties file, String key, Function<String, T> parse, T fallback) {
    if (flag != null) {
      return flag;
    }
    String text = System.getenv(env);
    if (text == null || text.isBlank()) {
      text = file.getProperty(key);
    }
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return parse.apply(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Setting " + key + " (" + env + ") must be a number, got '" + text + "'");
    }
  }
}
