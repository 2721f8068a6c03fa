package dev.tracelake.access;

import dev.tracelake.ingest.GrpcErrors;
import dev.tracelake.lake.ErrorKind;
import dev.tracelake.lake.LakeException;
import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.CreateTokenResponse;
import dev.tracelake.proto.v1.GrantRequest;
import dev.tracelake.proto.v1.GrantResponse;
import dev.tracelake.proto.v1.ListGrantsRequest;
import dev.tracelake.proto.v1.ListGrantsResponse;
import dev.tracelake.proto.v1.ListTokensRequest;
import dev.tracelake.proto.v1.ListTokensResponse;
import dev.tracelake.proto.v1.PrivilegeGrant;
import dev.tracelake.proto.v1.RevokeRequest;
import dev.tracelake.proto.v1.RevokeResponse;
import dev.tracelake.proto.v1.RevokeTokenRequest;
import dev.tracelake.proto.v1.RevokeTokenResponse;
import dev.tracelake.proto.v1.WhoAmIRequest;
import dev.tracelake.proto.v1.WhoAmIResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code tracelake.v1.AuthService}: who the caller is, tokens, roles and grants. The interceptor
 * has already authenticated the caller and checked {@code admin} on the whole lake for tokens, and
 * {@code admin} somewhere for grants, whose scope {@link GrantAuthority} checks here.
 */
public final class AuthGrpcService extends AuthServiceGrpc.AuthServiceImplBase {
  private final AccessControl control;

  public AuthGrpcService(AccessControl control) {
    this.control = control;
  }

  @Override
  public void whoAmI(WhoAmIRequest request, StreamObserver<WhoAmIResponse> responses) {
    unary(
        responses,
        () -> {
          Caller caller =
              Caller.current()
                  .orElseThrow(
                      () ->
                          new LakeException(
                              ErrorKind.FAILED_PRECONDITION,
                              "This server runs without access control (--insecure-no-auth)"));
          Grants g = caller.grants();
          WhoAmIResponse.Builder b =
              WhoAmIResponse.newBuilder()
                  .setPrincipal(g.principal())
                  .setKind(g.kind().label())
                  .setSuperuser(g.superuser())
                  .addAllRoles(g.roles());
          g.grants().forEach(grant -> b.addGrants(toProto(grant)));
          return b.build();
        });
  }

  @Override
  public void createToken(
      CreateTokenRequest request, StreamObserver<CreateTokenResponse> responses) {
    unary(
        responses,
        () -> {
          if (request.getTtlSeconds() < 0) {
            throw invalid("ttl_seconds must not be negative, got " + request.getTtlSeconds());
          }
          IssuedToken issued =
              argument(
                  () ->
                      control
                          .store()
                          .issue(
                              request.getPrincipal(),
                              PrincipalKind.parse(request.getKind()),
                              request.getTtlSeconds() == 0
                                  ? null
                                  : Duration.ofSeconds(request.getTtlSeconds()),
                              request.getDescription()));
          return CreateTokenResponse.newBuilder()
              .setToken(issued.secret())
              .setInfo(toProto(issued.info()))
              .build();
        });
  }

  @Override
  public void listTokens(ListTokensRequest request, StreamObserver<ListTokensResponse> responses) {
    unary(
        responses,
        () -> {
          ListTokensResponse.Builder b = ListTokensResponse.newBuilder();
          control.store().tokens(request.getPrincipal()).forEach(t -> b.addTokens(toProto(t)));
          return b.build();
        });
  }

  @Override
  public void revokeToken(
      RevokeTokenRequest request, StreamObserver<RevokeTokenResponse> responses) {
    unary(
        responses,
        () -> {
          TokenInfo info =
              control
                  .store()
                  .revoke(request.getId())
                  .orElseThrow(
                      () ->
                          new LakeException(
                              ErrorKind.NOT_FOUND,
                              "No token has the id '" + AccessNames.cap(request.getId()) + "'"));
          control.changed();
          return RevokeTokenResponse.newBuilder().setInfo(toProto(info)).build();
        });
  }

  @Override
  public void grant(GrantRequest request, StreamObserver<GrantResponse> responses) {
    unary(
        responses,
        () -> {
          argument(
              () -> {
                if (!request.getPrincipal().isEmpty()) {
                  requireNoPrivilege(request.getPrivilege(), request.getScope());
                  authority()
                      .ifPresent(a -> a.checkGive(request.getRole(), control.store().roleGrants()));
                  control.store().assign(request.getRole(), request.getPrincipal());
                } else {
                  Privilege privilege = Privilege.parse(request.getPrivilege());
                  Scope scope = Scope.parse(request.getScope());
                  authority().ifPresent(a -> a.checkPrivilege(privilege, scope));
                  control.store().grant(request.getRole(), privilege, scope);
                }
                return null;
              });
          control.changed();
          return GrantResponse.getDefaultInstance();
        });
  }

  @Override
  public void revoke(RevokeRequest request, StreamObserver<RevokeResponse> responses) {
    unary(
        responses,
        () -> {
          argument(
              () -> {
                if (!request.getPrincipal().isEmpty()) {
                  requireNoPrivilege(request.getPrivilege(), request.getScope());
                  authority()
                      .ifPresent(a -> a.checkTake(request.getRole(), control.store().roleGrants()));
                  control.store().unassign(request.getRole(), request.getPrincipal());
                } else {
                  Privilege privilege = Privilege.parse(request.getPrivilege());
                  Scope scope = Scope.parse(request.getScope());
                  authority().ifPresent(a -> a.checkPrivilege(privilege, scope));
                  control.store().revoke(request.getRole(), privilege, scope);
                }
                return null;
              });
          control.changed();
          return RevokeResponse.getDefaultInstance();
        });
  }

  @Override
  public void listGrants(ListGrantsRequest request, StreamObserver<ListGrantsResponse> responses) {
    unary(
        responses,
        () -> {
          ListGrantsResponse.Builder b = ListGrantsResponse.newBuilder();
          Optional<GrantAuthority> authority = authority();
          // a namespace admin sees the grants it manages, and the members of those roles
          Set<String> listedRoles = new HashSet<>();
          for (RoleGrant g : control.store().roleGrants()) {
            if (authority.map(a -> a.lists(g)).orElse(true)) {
              b.addGrants(toProto(g));
              listedRoles.add(g.role());
            }
          }
          boolean all = authority.map(GrantAuthority::lakeAdmin).orElse(true);
          for (RoleMember m : control.store().members()) {
            if (all || listedRoles.contains(m.role())) {
              b.addMembers(
                  dev.tracelake.proto.v1.RoleMember.newBuilder()
                      .setRole(m.role())
                      .setPrincipal(m.principal()));
            }
          }
          return b.build();
        });
  }

  /**
   * What the caller may manage of the grants; empty without access control. The interceptor let the
   * call through on admin somewhere ({@code ACCESS_SCOPED_ADMIN}): the scope is checked here.
   */
  private static Optional<GrantAuthority> authority() {
    return Caller.current().map(c -> new GrantAuthority(c.grants()));
  }

  private static void requireNoPrivilege(String privilege, String scope) {
    if (!privilege.isEmpty() || !scope.isEmpty()) {
      throw new IllegalArgumentException(
          "Give either a privilege and a scope (to grant to the role) or a principal (to give it"
              + " the role), not both");
    }
  }

  private static <T> T argument(Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static LakeException invalid(String message) {
    return new LakeException(ErrorKind.INVALID_ARGUMENT, message);
  }

  static PrivilegeGrant toProto(RoleGrant g) {
    return PrivilegeGrant.newBuilder()
        .setRole(g.role())
        .setPrivilege(g.privilege().label())
        .setScope(g.scope().toString())
        .build();
  }

  static dev.tracelake.proto.v1.TokenInfo toProto(TokenInfo t) {
    return dev.tracelake.proto.v1.TokenInfo.newBuilder()
        .setId(t.id())
        .setPrincipal(t.principal())
        .setCreatedEpochMillis(t.created().toEpochMilli())
        .setExpiresEpochMillis(t.expires().toEpochMilli())
        .setRevokedEpochMillis(t.revoked().map(java.time.Instant::toEpochMilli).orElse(0L))
        .setDescription(t.description())
        .build();
  }

  private static <T> void unary(StreamObserver<T> responses, Supplier<T> body) {
    T response;
    try {
      response = body.get();
    } catch (RuntimeException e) {
      responses.onError(GrpcErrors.toStatus(e));
      return;
    }
    responses.onNext(response);
    responses.onCompleted();
  }
}
