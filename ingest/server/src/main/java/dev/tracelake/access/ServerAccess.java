package dev.tracelake.access;

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
}
