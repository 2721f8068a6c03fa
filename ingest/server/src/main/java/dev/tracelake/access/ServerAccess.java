package dev.tracelake.access;

import dev.tracelake.lake.TableName;
import dev.tracelake.query.TableGate;
import java.util.Objects;

/**
 * Access control for a gRPC server: who may call it, and where calls are recorded.
 *
 * @param control authenticates tokens and answers privileges
 * @param audit the audit log, or null for none
 */
public record ServerAccess(AccessControl control, AuditLog audit) {
  public ServerAccess {
    Objects.requireNonNull(control, "control");
  }

  /** The interceptor that authenticates and authorizes every call. */
  public AuthInterceptor interceptor() {
    return new AuthInterceptor(control, audit);
  }

  /** The service that manages tokens and grants. */
  public AuthGrpcService service() {
    return new AuthGrpcService(control);
  }

  /**
   * What the other doors (PostgreSQL, Iceberg REST, the console) check reads against and record
   * their actions in: this control's grants and this server's audit log.
   */
  public TableAccess doorAccess() {
    return new TableAccess() {
      @Override
      public boolean canRead(Principal principal, TableName table) {
        return control.canRead(principal, table);
      }

      @Override
      public TableGate gate(Principal principal) {
        return control.gate(principal);
      }

      @Override
      public void audit(AuditEvent event) {
        if (audit != null) {
          audit.record(event);
        }
      }
    };
  }
}
