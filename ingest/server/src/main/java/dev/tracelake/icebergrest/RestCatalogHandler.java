package dev.tracelake.icebergrest;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.tracelake.access.AccessDeniedException;
import dev.tracelake.access.AuditEvent;
import dev.tracelake.access.Authenticator;
import dev.tracelake.access.OidcVerifier;
import dev.tracelake.access.Principal;
import dev.tracelake.access.TableAccess;
import dev.tracelake.lake.LakeException;
import dev.tracelake.lake.TableName;
import dev.tracelake.query.TableGate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.BadRequestException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NoSuchViewException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTCatalogProperties;
import org.apache.iceberg.rest.RESTResponse;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ImmutableLoadCredentialsResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.ListTablesResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.rest.responses.OAuthTokenResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes Iceberg REST catalog requests to Iceberg's own {@link CatalogHandlers} over the lake's
 * catalog, and writes Iceberg's own response models with {@link RESTSerializers}. Authentication
 * happens here once per request (bearer token: an access token from the OAuth2 exchange or the
 * server token itself), the {@code read} check once per table load, and every write is refused with
 * 403 before it reaches the catalog.
 */
final class RestCatalogHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(RestCatalogHandler.class);
  private static final String JSON = "application/json";
  private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

  /**
   * The endpoints advertised in {@code /v1/config}. The write endpoints are listed too, although
   * every write is answered with 403: a client that finds a write endpoint missing refuses the call
   * itself ("Server does not support endpoint"), and its user would never learn where writes go.
   */
  static final List<Endpoint> ENDPOINTS =
      List.of(
          Endpoint.V1_LIST_NAMESPACES,
          Endpoint.V1_LOAD_NAMESPACE,
          Endpoint.V1_NAMESPACE_EXISTS,
          Endpoint.V1_LIST_TABLES,
          Endpoint.V1_LOAD_TABLE,
          Endpoint.V1_TABLE_EXISTS,
          Endpoint.V1_REPORT_METRICS,
          Endpoint.V1_TABLE_CREDENTIALS,
          Endpoint.V1_LIST_VIEWS,
          Endpoint.V1_LOAD_VIEW,
          Endpoint.V1_VIEW_EXISTS,
          Endpoint.V1_CREATE_NAMESPACE,
          Endpoint.V1_UPDATE_NAMESPACE,
          Endpoint.V1_DELETE_NAMESPACE,
          Endpoint.V1_CREATE_TABLE,
          Endpoint.V1_UPDATE_TABLE,
          Endpoint.V1_DELETE_TABLE,
          Endpoint.V1_RENAME_TABLE,
          Endpoint.V1_REGISTER_TABLE,
          Endpoint.V1_COMMIT_TRANSACTION,
          Endpoint.V1_CREATE_VIEW,
          Endpoint.V1_UPDATE_VIEW,
          Endpoint.V1_DELETE_VIEW,
          Endpoint.V1_RENAME_VIEW,
          Endpoint.V1_REGISTER_VIEW);

  private final LakeCatalogView catalog;
  private final Authenticator authenticator;
  private final TableAccess access;
  private final AccessTokens tokens;
  private final ObjectMapper mapper;

  RestCatalogHandler(
      LakeCatalogView catalog,
      Authenticator authenticator,
      TableAccess access,
      AccessTokens tokens) {
    this.catalog = catalog;
    this.authenticator = authenticator;
    this.access = access;
    this.tokens = tokens;
    // configured as Iceberg's own (package-private) RESTObjectMapper is, so the response models
    // serialize exactly as Iceberg's REST server and client expect
    this.mapper =
        new ObjectMapper(
            new JsonFactoryBuilder()
                .configure(JsonFactory.Feature.INTERN_FIELD_NAMES, false)
                .configure(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW, false)
                .build());
    mapper.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
    RESTSerializers.registerAll(mapper);
  }

  /** What to send back: a status, an Iceberg response model (or null) and extra headers. */
  private record Answer(int status, RESTResponse body, Map<String, String> headers) {
    static Answer ok(RESTResponse body) {
      return new Answer(200, body, Map.of());
    }

    static Answer noContent() {
      return new Answer(204, null, Map.of());
    }
  }

  /** Who asked and which table, filled in by {@link #route} for the audit entry. */
  private static final class Asked {
    Principal principal;
    TableIdentifier table;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Answer answer;
    byte[] json;
    Asked asked = new Asked();
    try {
      answer = route(request, asked);
      json = answer.body() == null ? null : mapper.writeValueAsBytes(answer.body());
    } catch (OAuthFailure e) {
      // the token endpoint answers in OAuth2's own error format (RFC 6749 section 5.2)
      answer = new Answer(e.status, null, Map.of());
      var node = mapper.createObjectNode();
      node.put("error", e.code);
      node.put("error_description", e.getMessage());
      json = node.toString().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      answer = error(e);
      json = errorJson(answer);
    } catch (IOException e) {
      answer = error(new BadRequestException("Cannot read the request body: %s", e.getMessage()));
      json = errorJson(answer);
    }
    audit(request, asked, answer);
    response.setStatus(answer.status());
    answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
    if (json == null || request.getMethod().equalsIgnoreCase("HEAD")) {
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.write(true, ByteBuffer.wrap(json), callback);
    return true;
  }

  /**
   * Records an authenticated request in the audit log: the endpoint, the table it named and how it
   * ended. A table load hands out where the data files are, so it is a read like a SQL statement.
   */
  private void audit(Request request, Asked asked, Answer answer) {
    if (asked.principal == null) {
      return; // not authenticated: nobody to name (the 401 is in the server log)
    }
    List<String> tables = new ArrayList<>();
    if (asked.table != null) {
      tables.add(asked.table.toString());
    }
    String message =
        answer.body() instanceof ErrorResponse e && e.message() != null ? e.message() : "";
    access.audit(
        new AuditEvent(
            java.time.Instant.now(),
            asked.principal.name(),
            asked.principal.user(),
            "rest/" + request.getMethod().toUpperCase(Locale.ROOT),
            "read",
            tables,
            request.getHttpURI().getPathQuery(),
            List.of(),
            0,
            AuditEvent.httpOutcome(answer.status()),
            message));
  }

  private byte[] errorJson(Answer answer) {
    try {
      return mapper.writeValueAsBytes(answer.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Answer route(Request request, Asked asked) throws IOException {
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    List<String> path = segments(request.getHttpURI().getPath());
    Fields query = Request.extractQueryParameters(request);
    if (path.size() < 2 || !path.get(0).equals("v1")) {
      throw new NotFoundException(
          "No such endpoint: %s %s", method, request.getHttpURI().getPath());
    }
    if (path.size() == 3 && path.get(1).equals("oauth") && path.get(2).equals("tokens")) {
      requireMethod(method, "POST");
      try {
        return Answer.ok(token(Content.Source.asString(request, StandardCharsets.UTF_8)));
      } catch (NotAuthorizedException e) {
        throw new OAuthFailure(401, "invalid_client", e.getMessage());
      } catch (BadRequestException | IllegalArgumentException e) {
        throw new OAuthFailure(400, "invalid_request", e.getMessage());
      }
    }
    Principal principal = authenticate(request);
    asked.principal = principal;
    String what = path.get(1);
    if (path.size() == 2 && what.equals("config")) {
      requireMethod(method, "GET");
      return Answer.ok(
          ConfigResponse.builder()
              .withEndpoints(ENDPOINTS)
              .withDefault(RESTCatalogProperties.SNAPSHOT_LOADING_MODE, "all")
              .build());
    }
    if (what.equals("tables") || what.equals("views") || what.equals("transactions")) {
      throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
    }
    if (!what.equals("namespaces")) {
      throw new NotFoundException(
          "No such endpoint: %s %s", method, request.getHttpURI().getPath());
    }
    if (path.size() == 2) {
      if (method.equals("POST")) {
        throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
      }
      requireMethod(method, "GET");
      Namespace parent =
          query.getValue("parent") == null
              ? Namespace.empty()
              : RESTUtil.namespaceFromQueryParam(query.getValue("parent"), "\u001f");
      ListNamespacesResponse all =
          query.getValue("pageSize") != null || query.getValue("pageToken") != null
              ? CatalogHandlers.listNamespaces(
                  catalog, parent, query.getValue("pageToken"), pageSize(query))
              : CatalogHandlers.listNamespaces(catalog, parent);
      TableGate gate = access.gate(principal);
      return Answer.ok(
          ListNamespacesResponse.builder()
              .addAll(all.namespaces().stream().filter(n -> seesNamespace(gate, n)).toList())
              .nextPageToken(all.nextPageToken())
              .build());
    }
    Namespace namespace = namespace(path.get(2));
    if (path.size() == 3) {
      switch (method) {
        case "GET" -> {
          requireVisible(principal, namespace);
          return Answer.ok(CatalogHandlers.loadNamespace(catalog, namespace));
        }
        case "HEAD" -> {
          requireVisible(principal, namespace);
          CatalogHandlers.namespaceExists(catalog, namespace);
          return Answer.noContent();
        }
        case "DELETE", "POST" -> throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
        default -> throw notAllowed(method, "GET, HEAD");
      }
    }
    String kind = path.get(3);
    if (path.size() == 4) {
      switch (kind) {
        case "properties", "register", "register-view" ->
            throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
        case "tables" -> {
          if (method.equals("POST")) {
            throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
          }
          requireMethod(method, "GET");
          requireVisible(principal, namespace);
          return Answer.ok(listTables(principal, namespace, query));
        }
        case "functions" -> {
          requireMethod(method, "GET");
          requireVisible(principal, namespace);
          CatalogHandlers.namespaceExists(catalog, namespace);
          // Tracelake has no catalog functions: an empty list, in the shape of a table list
          return Answer.ok(ListTablesResponse.builder().build());
        }
        case "views" -> {
          if (method.equals("POST")) {
            throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
          }
          requireMethod(method, "GET");
          requireVisible(principal, namespace);
          return Answer.ok(
              query.getValue("pageSize") != null || query.getValue("pageToken") != null
                  ? CatalogHandlers.listViews(
                      catalog, namespace, query.getValue("pageToken"), pageSize(query))
                  : CatalogHandlers.listViews(catalog, namespace));
        }
        default ->
            throw new NotFoundException(
                "No such endpoint: %s %s", method, request.getHttpURI().getPath());
      }
    }
    TableIdentifier ident = TableIdentifier.of(namespace, RESTUtil.decodeString(path.get(4)));
    asked.table = ident;
    if (kind.equals("functions") && path.size() == 5) {
      requireMethod(method, "GET");
      requireVisible(principal, namespace);
      CatalogHandlers.namespaceExists(catalog, namespace);
      throw new NotFoundException("Function does not exist: %s", ident);
    }
    if (kind.equals("views") && path.size() == 5) {
      switch (method) {
        case "GET" -> {
          return Answer.ok(CatalogHandlers.loadView(catalog, ident));
        }
        case "HEAD" -> {
          CatalogHandlers.viewExists(catalog, ident);
          return Answer.noContent();
        }
        case "POST", "DELETE" -> throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
        default -> throw notAllowed(method, "GET, HEAD");
      }
    }
    if (!kind.equals("tables")) {
      throw new NotFoundException(
          "No such endpoint: %s %s", method, request.getHttpURI().getPath());
    }
    if (path.size() == 5) {
      switch (method) {
        case "GET" -> {
          checkRead(principal, ident);
          return loadTable(request, ident, query);
        }
        case "HEAD" -> {
          checkRead(principal, ident);
          CatalogHandlers.tableExists(catalog, ident);
          return Answer.noContent();
        }
        case "POST", "DELETE" -> throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
        default -> throw notAllowed(method, "GET, HEAD");
      }
    }
    String action = path.get(5);
    switch (action) {
      case "metrics" -> {
        requireMethod(method, "POST");
        // scan reports from engines: accepted and dropped (Tracelake keeps its own metrics)
        LOG.debug("Scan report for {} from {}", ident, principal.user());
        return Answer.noContent();
      }
      case "unregister" -> throw new ForbiddenException(LakeCatalogView.WRITES_REFUSED);
      case "credentials" -> {
        requireMethod(method, "GET");
        checkRead(principal, ident);
        CatalogHandlers.tableExists(catalog, ident);
        // no vended credentials: engines read the files with their own storage credentials
        return Answer.ok(ImmutableLoadCredentialsResponse.builder().build());
      }
      case "sign" ->
          throw new ForbiddenException(
              "Remote signing is not offered: engines sign object-store requests with their own"
                  + " credentials");
      case "plan" -> {
        if (path.size() == 6) {
          requireMethod(method, "POST");
          throw new UnsupportedOperationException(
              "Server-side scan planning is not offered: plan with the table metadata from"
                  + " loadTable (it is not among the endpoints of /v1/config)");
        }
        throw new NotFoundException("No such scan plan: %s", RESTUtil.decodeString(path.get(6)));
      }
      case "tasks" ->
          throw new NotFoundException("No such plan task: server-side planning is not offered");
      default ->
          throw new NotFoundException(
              "No such endpoint: %s %s", method, request.getHttpURI().getPath());
    }
  }

  private ListTablesResponse listTables(Principal principal, Namespace namespace, Fields query) {
    ListTablesResponse all =
        query.getValue("pageSize") != null || query.getValue("pageToken") != null
            ? CatalogHandlers.listTables(
                catalog, namespace, query.getValue("pageToken"), pageSize(query))
            : CatalogHandlers.listTables(catalog, namespace);
    List<TableIdentifier> readable = new ArrayList<>();
    for (TableIdentifier id : all.identifiers()) {
      Optional<TableName> name = tableName(id);
      if (name.isPresent() && access.canRead(principal, name.get())) {
        readable.add(id);
      }
    }
    return ListTablesResponse.builder().addAll(readable).nextPageToken(all.nextPageToken()).build();
  }

  private Answer loadTable(Request request, TableIdentifier ident, Fields query) {
    String mode = query.getValue("snapshots");
    RESTCatalogProperties.SnapshotMode snapshots = RESTCatalogProperties.SnapshotMode.ALL;
    if (mode != null) {
      try {
        snapshots = RESTCatalogProperties.SnapshotMode.valueOf(mode.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("Invalid snapshots mode '%s': use all or refs", mode);
      }
    }
    LoadTableResponse loaded = CatalogHandlers.loadTable(catalog, ident, snapshots);
    String etag = etag(loaded.metadataLocation() + "|" + snapshots);
    String ifNoneMatch = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (etag.equals(ifNoneMatch)) {
      return new Answer(304, null, Map.of("ETag", etag));
    }
    return new Answer(200, loaded, Map.of("ETag", etag));
  }

  /**
   * Answers a namespace the caller holds nothing on (nor on anything inside it) exactly as a
   * missing one.
   */
  private void requireVisible(Principal principal, Namespace namespace) {
    if (!seesNamespace(access.gate(principal), namespace)) {
      throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
    }
  }

  private static boolean seesNamespace(TableGate gate, Namespace namespace) {
    // Tracelake namespaces have one level; deeper ones do not exist and answer so on their own
    return namespace.levels().length != 1 || gate.seesNamespace(namespace.level(0));
  }

  private void checkRead(Principal principal, TableIdentifier ident) {
    Optional<TableName> name = tableName(ident);
    if (name.isEmpty()) {
      throw new NoSuchTableException("Table does not exist: %s", ident);
    }
    if (!access.gate(principal).sees(name.get())) {
      // a table the caller holds nothing on answers exactly as a missing one: same status, same
      // message, so its existence does not leak
      throw new NoSuchTableException("Table does not exist: %s", ident);
    }
    try {
      access.checkRead(principal, name.get());
    } catch (AccessDeniedException e) {
      throw new ForbiddenException("%s", e.getMessage());
    }
  }

  private static Optional<TableName> tableName(TableIdentifier ident) {
    if (ident.namespace().levels().length != 1) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TableName(ident.namespace().level(0), ident.name()));
    } catch (LakeException e) {
      return Optional.empty();
    }
  }

  private OAuthTokenResponse token(String body) {
    Map<String, String> form = RESTUtil.decodeFormData(body);
    String grant = form.get("grant_type");
    Principal principal;
    // an access token bought with an OIDC token (or exchanged from one) ends with it
    Instant notAfter;
    if ("client_credentials".equals(grant)) {
      String clientId = form.getOrDefault("client_id", "");
      notAfter = OidcVerifier.expiryOf(form.get("client_secret")).orElse(Instant.MAX);
      principal =
          authenticator
              .authenticateToken(clientId, form.get("client_secret"))
              .orElseThrow(
                  () ->
                      new NotAuthorizedException("Invalid client credentials for '%s'", clientId));
    } else if (TOKEN_EXCHANGE.equals(grant)) {
      // Iceberg's client refreshes a token by exchanging it for a new one
      String subject = form.get("subject_token");
      notAfter =
          OidcVerifier.expiryOf(subject)
              .orElseGet(() -> tokens.notAfter(subject == null ? "" : subject));
      principal =
          tokens
              .principal(subject == null ? "" : subject)
              .or(() -> authenticator.authenticateToken("", subject))
              .orElseThrow(() -> new NotAuthorizedException("Invalid or expired subject_token"));
    } else {
      throw new BadRequestException(
          "Unsupported grant_type '%s': use client_credentials with the server token as"
              + " client_secret",
          grant);
    }
    String issued = tokens.issue(principal, notAfter);
    long lifetime =
        notAfter.equals(Instant.MAX)
            ? tokens.lifetime().toSeconds()
            : tokens.remaining(issued).toSeconds();
    return OAuthTokenResponse.builder()
        .withToken(issued)
        .withTokenType("bearer")
        .withIssuedTokenType("urn:ietf:params:oauth:token-type:access_token")
        .setExpirationInSeconds((int) lifetime)
        .build();
  }

  private Principal authenticate(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new NotAuthorizedException(
          "Authentication required: send 'Authorization: Bearer <token>' (the server token, or an"
              + " access token from POST /v1/oauth/tokens)");
    }
    String token = header.substring(7).strip();
    Optional<Principal> issued = tokens.principal(token);
    if (issued.isPresent()) {
      return issued.get();
    }
    return authenticator
        .authenticateToken("", token)
        .orElseThrow(() -> new NotAuthorizedException("Invalid or expired bearer token"));
  }

  private static Namespace namespace(String segment) {
    String decoded = RESTUtil.decodeString(segment);
    return Namespace.of(decoded.split("\u001f", -1));
  }

  private static String pageSize(Fields query) {
    String size = query.getValue("pageSize");
    return size == null ? "100" : size;
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw notAllowed(method, allowed);
    }
  }

  private static MethodNotAllowed notAllowed(String method, String allowed) {
    return new MethodNotAllowed(
        "Method " + method + " is not allowed here; use " + allowed, allowed);
  }

  /** A refused token request, answered as OAuth2 errors are. */
  private static final class OAuthFailure extends RuntimeException {
    final int status;
    final String code;

    OAuthFailure(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** A method the resource does not serve (405). */
  private static final class MethodNotAllowed extends RuntimeException {
    final String allowed;

    MethodNotAllowed(String message, String allowed) {
      super(message);
      this.allowed = allowed;
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(s); // still encoded: names are decoded where they are read
      }
    }
    return out;
  }

  private Answer error(RuntimeException e) {
    int code;
    String type;
    String message = e.getMessage();
    Map<String, String> headers = Map.of();
    if (e instanceof NoSuchTableException
        || e instanceof NoSuchNamespaceException
        || e instanceof NoSuchViewException
        || e instanceof NotFoundException) {
      code = 404;
    } else if (e instanceof ForbiddenException) {
      code = 403;
    } else if (e instanceof NotAuthorizedException) {
      code = 401;
      headers = Map.of("WWW-Authenticate", "Bearer realm=\"tracelake\"");
    } else if (e instanceof MethodNotAllowed m) {
      code = 405;
      headers = Map.of("Allow", m.allowed);
    } else if (e instanceof BadRequestException
        || e instanceof ValidationException
        || e instanceof IllegalArgumentException) {
      code = 400;
    } else if (e instanceof UnsupportedOperationException) {
      code = 406;
    } else if (e instanceof AlreadyExistsException) {
      code = 409;
    } else {
      LOG.error("Iceberg REST request failed", e);
      code = 500;
      message = "Internal error; see the server log";
    }
    type =
        code == 405
            ? "MethodNotAllowedException"
            : code == 500 ? "InternalServerError" : e.getClass().getSimpleName();
    if (code == 400 && !(e instanceof BadRequestException)) {
      type = "BadRequestException";
    }
    if (message == null) {
      message = type;
    }
    return new Answer(
        code,
        ErrorResponse.builder().responseCode(code).withType(type).withMessage(message).build(),
        headers);
  }

  private static String etag(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
