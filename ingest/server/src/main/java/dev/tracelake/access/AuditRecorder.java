package dev.tracelake.access;

import dev.tracelake.proto.v1.Access;
import dev.tracelake.proto.v1.AppendRowsRequest;
import dev.tracelake.proto.v1.AppendRowsResponse;
import dev.tracelake.proto.v1.CreateTokenRequest;
import dev.tracelake.proto.v1.ExecuteRequest;
import dev.tracelake.proto.v1.ExecuteResponse;
import dev.tracelake.proto.v1.ExplainRequest;
import dev.tracelake.proto.v1.GrantRequest;
import dev.tracelake.proto.v1.ImpactRequest;
import dev.tracelake.proto.v1.ResolvedReference;
import dev.tracelake.proto.v1.RevokeRequest;
import dev.tracelake.proto.v1.RevokeTokenRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Collects what one gRPC call did for its audit entry, from its requests and responses. Only the
 * fields named here are kept: never a row value and never a token's secret (a CreateToken response
 * carries one).
 */
final class AuditRecorder {
  private final String action;
  private final Caller caller;
  private final String access;
  private final Set<String> tables = new LinkedHashSet<>();
  private final Set<Long> snapshots = new LinkedHashSet<>();
  private final List<String> details = new ArrayList<>();
  private long rows;

  AuditRecorder(MethodDescriptor<?, ?> method, Caller caller, Access access) {
    String full = method.getFullMethodName();
    int dot = full.lastIndexOf('.', full.indexOf('/'));
    this.action = dot >= 0 ? full.substring(dot + 1) : full;
    this.caller = caller;
    this.access = access.name().replace("ACCESS_", "").toLowerCase(Locale.ROOT);
  }

  synchronized void request(Object message, String table) {
    if (table != null && !table.isEmpty()) {
      tables.add(table);
    }
    if (message instanceof AppendRowsRequest r) {
      String writer = "writer " + r.getWriterId();
      if (!details.contains(writer)) {
        details.add(writer);
      }
    } else if (message instanceof ExecuteRequest r) {
      details.add(r.getSql());
    } else if (message instanceof ExplainRequest r) {
      details.add("record " + r.getRecordId());
    } else if (message instanceof ImpactRequest r) {
      details.add(
          switch (r.getStartCase()) {
            case RECORD -> "record " + r.getRecord().getRecordId();
            case RUN_ID -> "run " + r.getRunId();
            case MODEL -> "model " + r.getModel();
            case CODE_COMMIT -> "code commit " + r.getCodeCommit();
            default -> "";
          });
    } else if (message instanceof CreateTokenRequest r) {
      details.add("token for " + r.getPrincipal());
    } else if (message instanceof RevokeTokenRequest r) {
      details.add("revoke token " + r.getId());
    } else if (message instanceof GrantRequest r) {
      details.add(
          grantText("grant", r.getRole(), r.getPrivilege(), r.getScope(), r.getPrincipal()));
    } else if (message instanceof RevokeRequest r) {
      details.add(
          grantText("revoke", r.getRole(), r.getPrivilege(), r.getScope(), r.getPrincipal()));
    }
  }

  private static String grantText(
      String verb, String role, String privilege, String scope, String principal) {
    return principal.isEmpty()
        ? verb + " " + privilege + " on " + scope + " to role " + role
        : verb + " role " + role + " to " + principal;
  }

  /**
   * Notes a response. An acknowledged append is recorded at once, as its own entry (a writer's
   * stream may stay open for hours); the entry at the stream's end then gives its outcome.
   *
   * @return the entry to record now, or null
   */
  synchronized AuditEvent response(Object message) {
    if (message instanceof AppendRowsResponse r) {
      if (r.getSnapshotId() != 0 && !r.getAlreadyCommitted()) {
        return new AuditEvent(
            Instant.now(),
            caller.principal().name(),
            caller.principal().user(),
            action,
            access,
            List.of(r.getTable().isEmpty() ? String.join(",", tables) : r.getTable()),
            String.join("; ", details),
            List.of(r.getSnapshotId()),
            r.getRowCount(),
            "OK",
            "");
      }
    } else if (message instanceof ExecuteResponse r) {
      if (r.hasSchema()) {
        for (ResolvedReference ref : r.getSchema().getReferencesList()) {
          tables.add(ref.getTable());
          if (ref.hasSnapshotId()) {
            snapshots.add(ref.getSnapshotId());
          }
        }
      } else if (r.hasSummary()) {
        rows = r.getSummary().getRowCount();
      }
    }
    return null;
  }

  synchronized AuditEvent finish(Status status) {
    return new AuditEvent(
        Instant.now(),
        caller.principal().name(),
        caller.principal().user(),
        action,
        access,
        List.copyOf(tables),
        String.join("; ", details),
        List.copyOf(snapshots),
        rows,
        status.getCode().name(),
        status.isOk() || status.getDescription() == null ? "" : status.getDescription());
  }
}
