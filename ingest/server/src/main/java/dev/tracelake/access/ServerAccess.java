package dev.tracelake.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracelake.lake.TableName;
import dev.tracelake.lineage.OpenLineageHandler;
import dev.tracelake.lineage.OpenLineageServer;
import dev.tracelake.lineage.OpenLineageServer.Admission;
import dev.tracelake.query.TableGate;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Access control for a gRPC server: who may call it, and where calls are recorded.
 *
 * @param control authenticates tokens and answers privileges
 * @param audit the audit log, or null for none
 */
public record ServerAccess(AccessControl control, AuditLog audit) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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

  /**
   * The OpenLineage endpoint's gate: a bearer token (issued, the server's, or OIDC) whose principal
   * holds {@code write} somewhere may send events. Every authenticated request, accepted or not, is
   * recorded in the audit log as {@code openlineage/POST} with the summary the endpoint answered
   * (run id, event type, input and output counts) or its error; a request without valid credentials
   * names nobody and is refused before anything is read.
   */
  public OpenLineageServer.Gate openLineageGate() {
    return authorization -> {
      Optional<Principal> who = control.bearer(authorization);
      if (who.isEmpty()) {
        return Admission.of(401);
      }
      Principal principal = who.get();
      Grants grants = control.grants(principal);
      int refusal = grants.holdsAnywhere(Privilege.WRITE) ? 0 : 403;
      return new Admission() {
        @Override
        public int refusal() {
          return refusal;
        }

        @Override
        public OpenLineageHandler.Sender sender() {
          return new OpenLineageHandler.Sender(
              Caller.byName(t -> grants.holds(Privilege.WRITE, t)), Caller.byName(grants::sees));
        }

        @Override
        public void ended(int status, String body) {
          if (audit == null) {
            return;
          }
          boolean ok = status < 400;
          audit.record(
              new AuditEvent(
                  Instant.now(),
                  principal.name(),
                  principal.user(),
                  "openlineage/POST",
                  "write",
                  List.of(),
                  ok ? body : "",
                  List.of(),
                  0,
                  AuditEvent.httpOutcome(status),
                  ok ? "" : errorOf(body)));
        }
      };
    };
  }

  private static String errorOf(String body) {
    try {
      JsonNode error = MAPPER.readTree(body).get("error");
      return error != null && error.isTextual() ? error.asText() : body;
    } catch (IOException | RuntimeException e) {
      return body;
    }
  }
}
