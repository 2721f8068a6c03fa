package dev.tracelake.cli;

import dev.tracelake.lake.LakeConfig;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.CreateTokenResponse;
import dev.tracelake.proto.v1.GrantRequest;
import dev.tracelake.proto.v1.ListGrantsRequest;
import dev.tracelake.proto.v1.ListGrantsResponse;
import dev.tracelake.proto.v1.ListTokensRequest;
import dev.tracelake.proto.v1.RevokeRequest;
import dev.tracelake.proto.v1.RevokeTokenRequest;
import dev.tracelake.proto.v1.TokenInfo;
import dev.tracelake.proto.v1.WhoAmIRequest;
import dev.tracelake.proto.v1.WhoAmIResponse;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracelake auth}: who may do what on a server (tokens, roles, grants). */
@Command(
    name = "auth",
    mixinStandardHelpOptions = true,
    description =
        "Tokens, roles and grants of a server under access control (needs 'admin' on '*',"
            + " e.g. the server's own token, which the CLI reads from the local warehouse; grants"
            + " inside a namespace need 'admin' on that namespace). --token also takes an OIDC"
            + " token when the server has --oidc-issuer.",
    subcommands = {
      AuthCommand.TokenCommand.class,
      AuthCommand.GrantCommand.class,
      AuthCommand.RevokeCommand.class,
      AuthCommand.GrantsCommand.class,
      AuthCommand.WhoAmICommand.class
    })
final class AuthCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return TracelakeCli.EXIT_USAGE;
  }

  /** What every auth command takes: the server, the token, the output format. */
  static final class ServerOptions {
    @Mixin GlobalOptions global;

    @Option(
        names = "--server",
        paramLabel = "<host:port>",
        description =
            "The server (env TRACELAKE_SERVER; default: the server serving the local warehouse).")
    String server;

    /** Calls the AuthService of the server with the resolved token. */
    <T> T call(CommandSpec spec, Function<AuthServiceGrpc.AuthServiceBlockingStub, T> body) {
      LakeConfig config;
      try {
        config = global.lakeConfig();
      } catch (IllegalArgumentException e) {
        config = null;
      }
      Optional<ServerTarget> target =
          ServerTarget.resolve(server, false, config, global.location.environment);
      if (target.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "No server to ask: pass --server host:port, set TRACELAKE_SERVER, or start"
                + " 'tracelake serve' on the local warehouse");
      }
      String token = global.location.token();
      Metadata headers = new Metadata();
      if (token != null) {
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      }
      ManagedChannel channel =
          Grpc.newChannelBuilder(
                  target.get().address(),
                  global.location.clientTls.credentials(global.location.environment))
              .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
              .build();
      try {
        return body.apply(
            AuthServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
      } catch (StatusRuntimeException e) {
        throw CliException.of(
            "The server at %s refused: %s%s",
            target.get().address(),
            e.getStatus().getCode(),
            e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
      } finally {
        channel.shutdownNow();
      }
    }

    Output output(CommandSpec spec) {
      return new Output(spec.commandLine().getOut(), global.format);
    }
  }

  /** A token as printed. */
  record TokenRow(
      String id,
      String principal,
      String created,
      String expires,
      String revoked,
      String description) {
    static TokenRow of(TokenInfo t) {
      return new TokenRow(
          t.getId(),
          t.getPrincipal(),
          Instant.ofEpochMilli(t.getCreatedEpochMillis()).toString(),
          Instant.ofEpochMilli(t.getExpiresEpochMillis()).toString(),
          t.getRevokedEpochMillis() == 0
              ? null
              : Instant.ofEpochMilli(t.getRevokedEpochMillis()).toString(),
          t.getDescription());
    }
  }

  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = "Issue, list and revoke bearer tokens.",
      subcommands = {TokenCreate.class, TokenList.class, TokenRevoke.class})
  static final class TokenCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getErr());
      return TracelakeCli.EXIT_USAGE;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Issue a token for a principal (created on first use). The token is printed once; the"
              + " server keeps only its hash.")
  static final class TokenCreate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    @Parameters(index = "0", paramLabel = "<principal>", description = "The principal.")
    String principal;

    @Option(
        names = "--kind",
        defaultValue = "service",
        description = "service (default) or person, when the principal is new.")
    String kind;

    @Option(
        names = "--ttl-days",
        description = "Lifetime in days (default 90).",
        paramLabel = "<days>")
    Long ttlDays;

    @Option(names = "--description", description = "Free text to tell tokens apart.")
    String description;

    @Override
    public Integer call() {
      CreateTokenRequest.Builder request =
          CreateTokenRequest.newBuilder().setPrincipal(principal).setKind(kind);
      if (ttlDays != null) {
        if (ttlDays <= 0) {
          throw new ParameterException(
              spec.commandLine(), "--ttl-days must be positive, got " + ttlDays);
        }
        request.setTtlSeconds(Duration.ofDays(ttlDays).toSeconds());
      }
      if (description != null) {
        request.setDescription(description);
      }
      CreateTokenResponse response = options.call(spec, s -> s.createToken(request.build()));
      Output out = options.output(spec);
      if (out.isJson()) {
        out.json(new Created(response.getToken(), TokenRow.of(response.getInfo())));
      } else {
        out.line("%s", response.getToken());
        spec.commandLine()
            .getErr()
            .printf(
                "Token %s for %s, expires %s. Store it now: it is not shown again.%n",
                response.getInfo().getId(),
                response.getInfo().getPrincipal(),
                Instant.ofEpochMilli(response.getInfo().getExpiresEpochMillis()));
      }
      return 0;
    }

    record Created(String token, TokenRow info) {}
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tokens (never their secrets).")
  static final class TokenList implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    @Option(names = "--principal", description = "Only this principal's tokens.")
    String principal;

    @Override
    public Integer call() {
      List<TokenInfo> tokens =
          options
              .call(
                  spec,
                  s ->
                      s.listTokens(
                          ListTokensRequest.newBuilder()
                              .setPrincipal(principal == null ? "" : principal)
                              .build()))
              .getTokensList();
      Output out = options.output(spec);
      List<TokenRow> rows = new ArrayList<>();
      tokens.forEach(t -> rows.add(TokenRow.of(t)));
      if (out.isJson()) {
        out.json(rows);
        return 0;
      }
      TextTable table = TextTable.of("ID", "PRINCIPAL", "CREATED", "EXPIRES", "REVOKED", "NOTE");
      rows.forEach(
          r ->
              table.row(
                  r.id(),
                  r.principal(),
                  r.created(),
                  r.expires(),
                  r.revoked() == null ? "" : r.revoked(),
                  r.description()));
      out.table(table);
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token.")
  static final class TokenRevoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    @Parameters(index = "0", paramLabel = "<token-id>", description = "The token's id (tk_...).")
    String id;

    @Override
    public Integer call() {
      TokenInfo info =
          options
              .call(spec, s -> s.revokeToken(RevokeTokenRequest.newBuilder().setId(id).build()))
              .getInfo();
      Output out = options.output(spec);
      if (out.isJson()) {
        out.json(TokenRow.of(info));
      } else {
        out.line("Token %s of %s is revoked.", info.getId(), info.getPrincipal());
      }
      return 0;
    }
  }

  /** The target of a grant or revoke: a privilege on a scope, or a principal. */
  static final class GrantTarget {
    @Option(
        names = "--privilege",
        paramLabel = "read|write|lineage|admin|audit",
        description = "The privilege (with --on).")
    String privilege;

    @Option(
        names = "--on",
        paramLabel = "<scope>",
        description = "Where: '*', a namespace, or namespace.table (inherited downward).")
    String scope;

    @Option(names = "--principal", description = "Give the role to this principal instead.")
    String principal;

    void check(CommandSpec spec) {
      boolean privilegeGiven = privilege != null || scope != null;
      if (privilegeGiven == (principal != null)
          || (privilegeGiven && (privilege == null || scope == null))) {
        throw new ParameterException(
            spec.commandLine(),
            "Give either --privilege and --on (a privilege for the role) or --principal (the"
                + " role for a principal)");
      }
    }
  }

  @Command(
      name = "grant",
      mixinStandardHelpOptions = true,
      description =
          "Grant a role a privilege on a scope (--privilege read --on fraud), or give a"
              + " principal a role (--principal scoring-service). 'admin' on a namespace"
              + " suffices inside it, and for roles whose every privilege stays inside it.")
  static final class GrantCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;
    @Mixin GrantTarget target;

    @Parameters(index = "0", paramLabel = "<role>", description = "The role.")
    String role;

    @Override
    public Integer call() {
      target.check(spec);
      GrantRequest.Builder r = GrantRequest.newBuilder().setRole(role);
      if (target.principal != null) {
        r.setPrincipal(target.principal);
      } else {
        r.setPrivilege(target.privilege).setScope(target.scope);
      }
      options.call(spec, s -> s.grant(r.build()));
      options
          .output(spec)
          .line(
              target.principal != null
                  ? "Role " + role + " given to " + target.principal + "."
                  : "Role " + role + " holds " + target.privilege + " on " + target.scope + ".");
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke what 'auth grant' granted.")
  static final class RevokeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;
    @Mixin GrantTarget target;

    @Parameters(index = "0", paramLabel = "<role>", description = "The role.")
    String role;

    @Override
    public Integer call() {
      target.check(spec);
      RevokeRequest.Builder r = RevokeRequest.newBuilder().setRole(role);
      if (target.principal != null) {
        r.setPrincipal(target.principal);
      } else {
        r.setPrivilege(target.privilege).setScope(target.scope);
      }
      options.call(spec, s -> s.revoke(r.build()));
      options
          .output(spec)
          .line(
              target.principal != null
                  ? "Role " + role + " taken from " + target.principal + "."
                  : "Role "
                      + role
                      + " no longer holds "
                      + target.privilege
                      + " on "
                      + target.scope
                      + ".");
      return 0;
    }
  }

  @Command(
      name = "grants",
      mixinStandardHelpOptions = true,
      description =
          "List every role's privileges and every principal's roles (a namespace admin: those"
              + " it manages).")
  static final class GrantsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    record Row(String role, String privilege, String scope, String principal) {}

    @Override
    public Integer call() {
      ListGrantsResponse r =
          options.call(spec, s -> s.listGrants(ListGrantsRequest.getDefaultInstance()));
      List<Row> rows = new ArrayList<>();
      r.getGrantsList()
          .forEach(g -> rows.add(new Row(g.getRole(), g.getPrivilege(), g.getScope(), null)));
      r.getMembersList().forEach(m -> rows.add(new Row(m.getRole(), null, null, m.getPrincipal())));
      Output out = options.output(spec);
      if (out.isJson()) {
        out.json(rows);
        return 0;
      }
      TextTable table = TextTable.of("ROLE", "PRIVILEGE", "ON", "PRINCIPAL");
      rows.forEach(
          x ->
              table.row(
                  x.role(),
                  x.privilege() == null ? "" : x.privilege(),
                  x.scope() == null ? "" : x.scope(),
                  x.principal() == null ? "" : x.principal()));
      out.table(table);
      return 0;
    }
  }

  @Command(
      name = "whoami",
      mixinStandardHelpOptions = true,
      description = "Show the principal the token authenticates, its roles and privileges.")
  static final class WhoAmICommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions options;

    record Me(
        String principal,
        String kind,
        boolean superuser,
        List<String> roles,
        List<String> grants) {}

    @Override
    public Integer call() {
      WhoAmIResponse r = options.call(spec, s -> s.whoAmI(WhoAmIRequest.getDefaultInstance()));
      List<String> grants = new ArrayList<>();
      r.getGrantsList()
          .forEach(
              g -> grants.add(g.getPrivilege() + " on " + g.getScope() + " (" + g.getRole() + ")"));
      Output out = options.output(spec);
      if (out.isJson()) {
        out.json(new Me(r.getPrincipal(), r.getKind(), r.getSuperuser(), r.getRolesList(), grants));
        return 0;
      }
      out.line(
          "%s (%s)%s",
          r.getPrincipal(), r.getKind(), r.getSuperuser() ? ": every privilege everywhere" : "");
      if (!r.getRolesList().isEmpty()) {
        out.line("roles: %s", String.join(", ", r.getRolesList()));
      }
      grants.forEach(g -> out.line("  %s", g));
      return 0;
    }
  }
}
