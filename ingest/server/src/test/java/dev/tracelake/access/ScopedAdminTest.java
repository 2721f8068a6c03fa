package dev.tracelake.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracelake.proto.v1.AuthServiceGrpc;
import dev.tracelake.proto.v1.AuthServiceGrpc.AuthServiceBlockingStub;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.GrantRequest;
import dev.tracelake.proto.v1.ListGrantsRequest;
import dev.tracelake.proto.v1.ListGrantsResponse;
import dev.tracelake.proto.v1.RevokeRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespace-scoped admins over real gRPC: admin on {@code fraud} manages grants inside {@code
 * fraud} and roles that reach no further, and nothing else.
 */
class ScopedAdminTest {
  @TempDir Path warehouse;
  AuthServerFixture fx;
  AuthServiceBlockingStub fraudAdmin;

  @BeforeEach
  void start() {
    fx = new AuthServerFixture(warehouse);
    fraudAdmin = stub("fraud-admin");
  }

  @AfterEach
  void stop() throws InterruptedException {
    fx.close();
  }

  AuthServiceBlockingStub stub(String principal) {
    return fx.with(
        AuthServiceGrpc.newBlockingStub(fx.channel), "Bearer " + fx.tokens.get(principal));
  }

  static GrantRequest privilege(String role, String privilege, String scope) {
    return GrantRequest.newBuilder().setRole(role).setPrivilege(privilege).setScope(scope).build();
  }

  static GrantRequest member(String role, String principal) {
    return GrantRequest.newBuilder().setRole(role).setPrincipal(principal).build();
  }

  void refused(Runnable call, String... mentions) {
    String before = fx.fingerprint();
    assertThatThrownBy(call::run)
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e -> {
              Status s = ((StatusRuntimeException) e).getStatus();
              assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(s.getDescription())
                  .contains("'fraud-admin'", "'admin'")
                  .contains(mentions);
            });
    assertThat(fx.fingerprint()).as("nothing changed").isEqualTo(before);
  }

  @Test
  void aNamespaceAdminGrantsAndRevokesInsideItsNamespaceOnly() {
    fraudAdmin.grant(privilege("fraud-analysts", "read", "fraud"));
    fraudAdmin.grant(privilege("fraud-analysts", "lineage", "fraud.features"));
    assertThat(fx.store.roleGrants())
        .contains(
            new RoleGrant("fraud-analysts", Privilege.READ, Scope.parse("fraud")),
            new RoleGrant("fraud-analysts", Privilege.LINEAGE, Scope.parse("fraud.features")));

    refused(() -> fraudAdmin.grant(privilege("fraud-analysts", "read", "secret")), "secret");
    refused(
        () -> fraudAdmin.grant(privilege("fraud-analysts", "read", "secret.salaries")),
        "secret.salaries");
    refused(() -> fraudAdmin.grant(privilege("fraud-analysts", "read", "*")), "on *");
    refused(() -> fraudAdmin.grant(privilege("fraud-analysts", "audit", "fraud")), "'audit'");
    refused(
        () -> fraudAdmin.grant(privilege("fraud-analysts", "read", "tracelake.audit")),
        "tracelake.audit");

    // revoking follows the same rule, also from roles the namespace admin did not make
    fraudAdmin.revoke(
        RevokeRequest.newBuilder()
            .setRole("auditor")
            .setPrivilege("read")
            .setScope("fraud")
            .build());
    assertThat(fx.store.roleGrants())
        .doesNotContain(new RoleGrant("auditor", Privilege.READ, Scope.parse("fraud")));
    refused(
        () ->
            fraudAdmin.revoke(
                RevokeRequest.newBuilder()
                    .setRole("lake-admin")
                    .setPrivilege("admin")
                    .setScope("*")
                    .build()),
        "on *");
  }

  @Test
  void aNamespaceAdminHandsOutOnlyRolesThatStayInsideItsNamespace() {
    fraudAdmin.grant(privilege("fraud-analysts", "read", "fraud"));
    fraudAdmin.grant(member("fraud-analysts", "newbie"));
    assertThat(fx.store.grantsOf("newbie").holds(Privilege.READ, AuthServerFixture.FEATURES))
        .isTrue();
    // the role reaching everywhere, the auditors' (audit on *), a role reaching into another
    // namespace, and an empty role (it could be granted anything later)
    refused(() -> fraudAdmin.grant(member("lake-admin", "fraud-admin")), "'lake-admin'", "*");
    refused(() -> fraudAdmin.grant(member("auditor", "newbie")), "'auditor'");
    fx.store.grant("mixed", Privilege.READ, Scope.parse("fraud"));
    fx.store.grant("mixed", Privilege.READ, Scope.parse("secret.salaries"));
    refused(() -> fraudAdmin.grant(member("mixed", "newbie")), "'mixed'", "secret.salaries");
    refused(() -> fraudAdmin.grant(member("empty-role", "newbie")), "'empty-role'");
    // nor take a principal out of a role beyond its namespace
    refused(
        () ->
            fraudAdmin.revoke(
                RevokeRequest.newBuilder()
                    .setRole("lake-admin")
                    .setPrincipal("lake-admin")
                    .build()),
        "'lake-admin'");
    fraudAdmin.revoke(
        RevokeRequest.newBuilder().setRole("fraud-analysts").setPrincipal("newbie").build());
    assertThat(fx.store.grantsOf("newbie").roles()).isEmpty();
  }

  @Test
  void aNamespaceAdminListsTheGrantsItManagesAndTheirRolesMembers() {
    ListGrantsResponse mine = fraudAdmin.listGrants(ListGrantsRequest.getDefaultInstance());
    assertThat(mine.getGrantsList()).isNotEmpty();
    assertThat(mine.getGrantsList())
        .allSatisfy(g -> assertThat(g.getScope()).startsWith("fraud"))
        .noneSatisfy(g -> assertThat(g.getPrivilege()).isEqualTo("audit"));
    assertThat(mine.getMembersList())
        .extracting(m -> m.getRole())
        .contains("fraud-reader", "fraud-admin")
        .doesNotContain("lake-admin");
    ListGrantsResponse all = stub("lake-admin").listGrants(ListGrantsRequest.getDefaultInstance());
    assertThat(all.getGrantsList()).extracting(g -> g.getScope()).contains("*", "fraud");
    assertThat(all.getMembersList()).extracting(m -> m.getRole()).contains("lake-admin");
  }

  @Test
  void aTableAdminManagesThatTableOnly() {
    fx.store.grant("features-admin", Privilege.ADMIN, Scope.parse("fraud.features"));
    fx.store.assign("features-admin", "table-admin");
    fx.tokens.put(
        "table-admin", fx.store.issue("table-admin", PrincipalKind.PERSON, null, "").secret());
    AuthServiceBlockingStub tableAdmin = stub("table-admin");
    tableAdmin.grant(privilege("features-readers", "read", "fraud.features"));
    assertThatThrownBy(() -> tableAdmin.grant(privilege("features-readers", "read", "fraud")))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("'table-admin'");
    assertThatThrownBy(
            () -> tableAdmin.grant(privilege("features-readers", "read", "fraud.predictions")))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("fraud.predictions");
  }

  @Test
  void tokensStayWithLakeAdmins() {
    String before = fx.fingerprint();
    assertThatThrownBy(
            () ->
                fraudAdmin.createToken(
                    CreateTokenRequest.newBuilder().setPrincipal("someone").build()))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("'admin' on *");
    assertThat(fx.fingerprint()).isEqualTo(before);
    // and a principal with no admin anywhere is refused before the service
    assertThatThrownBy(
            () -> stub("reader").grant(privilege("fraud-analysts", "read", "fraud.features")))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("'reader'");
    assertThat(List.of(fx.fingerprint())).containsExactly(before);
  }
}
