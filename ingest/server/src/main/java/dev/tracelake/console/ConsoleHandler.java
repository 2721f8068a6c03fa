package dev.tracelake.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracelake.access.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every console request passes here: security headers, the Host and key check ({@link
 * ConsoleAuth}), the method, then one route. Reads only, except {@code POST /api/v1/verify} (which
 * reads too, but takes a body): so everything else answers GET and HEAD only, and the POST needs
 * JSON (a cross-site form cannot send it) from this origin with the key's SameSite cookie.
 */
final class ConsoleHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleHandler.class);

  /** No inline script or style, nothing from elsewhere, no framing. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  /** The largest request body read (an evidence bundle to verify). */
  static final int MAX_BODY_BYTES = 64 << 20;

  private static final Set<String> PAGES =
      Set.of("/", "/tables", "/table", "/record", "/impact", "/runs", "/run", "/find", "/verify");
  private static final String VERIFY = "/api/v1/verify";
  private static final String SIGN_IN = "/api/v1/signin";
  private static final String SIGN_OUT = "/api/v1/signout";

  /** The only paths that take a POST: each reads a JSON body from this origin. */
  private static final Set<String> POSTS = Set.of(VERIFY, SIGN_IN, SIGN_OUT);

  /** What a request without a valid token or session is told. */
  static final String SIGN_IN_HINT =
      "Sign in with the server token: open the address 'tracelake serve' printed, or enter the"
          + " token from its file (<warehouse>/.tracelake/token unless --token-file says otherwise)";

  private final ConsoleAuth auth;
  private final StaticAssets assets;
  private final Map<String, Function<ConsoleRequest, Reply>> api = new LinkedHashMap<>();
  private final Map<String, ConsoleExtension> extensions;
  private final RecordsApi records;

  ConsoleHandler(
      ConsoleContext context,
      ConsoleAuth auth,
      StaticAssets assets,
      Map<String, ConsoleExtension> extensions) {
    this.auth = auth;
    this.assets = assets;
    this.extensions = Map.copyOf(extensions);
    TablesApi tables = new TablesApi(context);
    FindApi find = new FindApi(context);
    this.records = new RecordsApi(context);
    RunsApi runs = new RunsApi(context);
    api.put("/api/v1/session", r -> Reply.json(session(r)));
    api.put("/api/v1/tables", r -> Reply.json(tables.tables(r)));
    api.put("/api/v1/table", r -> Reply.json(tables.table(r)));
    api.put("/api/v1/snapshots", r -> Reply.json(tables.snapshots(r)));
    api.put("/api/v1/locate", r -> Reply.json(find.locate(r)));
    api.put("/api/v1/rows", r -> Reply.json(find.rows(r)));
    api.put("/api/v1/explain", r -> Reply.json(records.explain(r)));
    api.put("/api/v1/row", r -> Reply.json(records.row(r)));
    api.put("/api/v1/impact", r -> Reply.json(records.impact(r)));
    api.put("/api/v1/bundle", records::bundle);
    api.put("/api/v1/runs", r -> Reply.json(runs.runs(r)));
    api.put("/api/v1/run", r -> Reply.json(runs.run(r)));
    api.put(VERIFY, r -> Reply.json(records.verify(r)));
    api.put(SIGN_IN, r -> Reply.json(Json.object()));
    api.put(SIGN_OUT, r -> Reply.json(Json.object()));
  }

  private JsonNode session(ConsoleRequest request) {
    ObjectNode out = Json.object();
    out.put("principal", request.who().name());
    Json.text(out, "version", ConsoleHandler.class.getPackage().getImplementationVersion());
    ArrayNode ext = out.putArray("extensions");
    extensions.values().forEach(e -> ext.addObject().put("name", e.name()).put("title", e.title()));
    return out;
  }

  private enum Kind {
    API,
    PAGE,
    ASSET,
    NONE
  }

  private Kind kind(String path) {
    if (api.containsKey(path) || (path.startsWith("/api/v1/ext/") && extension(path) != null)) {
      return Kind.API;
    }
    if (PAGES.contains(path) || path.startsWith("/ext/")) {
      return Kind.PAGE;
    }
    if (path.startsWith("/static/") && assets.get(path.substring(8)) != null) {
      return Kind.ASSET;
    }
    return Kind.NONE;
  }

  private ConsoleExtension extension(String path) {
    return extensions.get(path.substring("/api/v1/ext/".length()));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpFields.Mutable headers = response.getHeaders();
    headers.put("Content-Security-Policy", CSP);
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Cross-Origin-Resource-Policy", "same-origin");
    headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    String path = request.getHttpURI().getPath();
    ConsolePrincipal asker = null; // set once an API call is authenticated: it is then audited
    Map<String, String> asked = Map.of();
    try {
      if (!auth.hostAllowed(request)) {
        text(request, response, callback, 421, "This console answers only at its own address");
        return true;
      }
      Kind kind = kind(path == null ? "" : path);
      boolean api = path != null && path.startsWith("/api/");
      if (kind == Kind.NONE) {
        error(request, response, callback, api, 404, "Nothing at " + Texts.cap(path));
        return true;
      }
      String method = request.getMethod();
      boolean read = method.equals("GET") || method.equals("HEAD");
      boolean post = POSTS.contains(path);
      if (post ? !method.equals("POST") : !read) {
        headers.put(HttpHeader.ALLOW, post ? "POST" : "GET, HEAD");
        error(
            request,
            response,
            callback,
            api,
            405,
            "Method " + Texts.cap(method) + " is not allowed at " + path);
        return true;
      }
      if (kind == Kind.ASSET) {
        asset(request, response, callback, path.substring(8));
        return true;
      }
      Map<String, String> params = params(request);
      if (path.equals(SIGN_IN)) {
        signInWithBody(request, response, callback);
        return true;
      }
      if (path.equals(SIGN_OUT)) {
        body(request);
        auth.closeSession(request);
        Response.addCookie(response, auth.expiredCookie(request.isSecure()));
        reply(request, response, callback, Reply.json(Json.object().put("signedOut", true)));
        return true;
      }
      Optional<ConsolePrincipal> who = auth.principal(request);
      String key = params.get(ConsoleAuth.KEY_PARAM);
      if (kind == Kind.PAGE && key != null) {
        signIn(request, response, callback, path, params, key);
        return true;
      }
      if (who.isEmpty() && kind == Kind.PAGE) {
        // the shell holds no data; its script asks the API, is refused and shows the sign-in form
        page(request, response, callback, 401);
        return true;
      }
      if (who.isEmpty()) {
        error(request, response, callback, api, 401, SIGN_IN_HINT);
        return true;
      }
      if (kind == Kind.PAGE) {
        page(request, response, callback, 200);
        return true;
      }
      asker = who.get();
      asked = params;
      byte[] body = post ? body(request) : new byte[0];
      ConsoleRequest console = new ConsoleRequest(method, path, params, who.get(), body);
      // a second layer under the withheld values: a table the principal may not read is refused
      // whole, before any of its metadata or rows are read. The name checked is the one the
      // route will use (ConsoleRequest.param: stripped); a name that does not parse is refused
      // here, never passed on unchecked
      Optional<String> table = console.param("table");
      if (table.isPresent()) {
        String name;
        try {
          name = dev.tracelake.lake.TableName.parse(table.get()).toString();
        } catch (RuntimeException e) {
          throw ApiException.badRequest("%s", Texts.cap(e.getMessage()));
        }
        if (!who.get().valueAccess().mayRead(name)) {
          if (!who.get().sees().test(name)) {
            // held nothing on: the same answer, word for word, as a table that does not exist
            throw ApiException.notFound("Table %s does not exist", Texts.cap(name));
          }
          throw new ApiException(
              403, "Principal '" + who.get().name() + "' may not read table " + name);
        }
      }
      Reply reply =
          path.startsWith("/api/v1/ext/")
              ? Reply.json(Json.MAPPER.valueToTree(extension(path).answer(params, who.get())))
              : this.api.get(path).apply(console);
      audit(asker, path, asked, reply instanceof Reply.JsonReply j ? j.status() : 200, "");
      reply(request, response, callback, reply);
    } catch (RuntimeException e) {
      ConsolePrincipal who = asker;
      ConsoleErrors.Answer answer =
          ConsoleErrors.of(e, t -> who != null && who.valueAccess().mayRead(t.toString()));
      if (answer.internal()) {
        LOG.error("Console request {} {} failed", request.getMethod(), path, e);
      }
      if (asker != null) {
        audit(asker, path, asked, answer.status(), answer.message());
      }
      error(
          request,
          response,
          callback,
          path != null && path.startsWith("/api/"),
          answer.status(),
          answer.message());
    }
    return true;
  }

  /**
   * Records an authenticated API call in the audit log: what was asked (the parameters, never the
   * sign-in key) about which table, and how it ended. Explanations, impacts, row lookups and SQL
   * searches are reads an auditor must be able to account for, as on every other door.
   */
  private void audit(
      ConsolePrincipal who, String path, Map<String, String> params, int status, String message) {
    StringBuilder detail = new StringBuilder();
    params.forEach(
        (k, v) -> {
          if (!k.equals(ConsoleAuth.KEY_PARAM)) {
            detail.append(detail.isEmpty() ? "" : "&").append(k).append('=').append(v);
          }
        });
    String table = params.get("table");
    auth.audit(
        new AuditEvent(
            Instant.now(),
            who.name(),
            "",
            "console/" + path.substring(path.startsWith("/api/v1/") ? 8 : 0),
            path.equals("/api/v1/impact") ? "lineage" : "read",
            table == null || table.isEmpty() ? List.of() : List.of(table),
            detail.toString(),
            List.of(),
            0,
            AuditEvent.httpOutcome(status),
            message));
  }

  private static Map<String, String> params(Request request) {
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("The query string cannot be decoded: %s", e.getMessage());
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (Fields.Field f : fields) {
      String value = f.getValue();
      if (value != null && value.length() > ConsoleRequest.MAX_PARAM_CHARS) {
        throw ApiException.badRequest(
            "Parameter '%s' is %d characters long; at most %d are accepted",
            Texts.cap(f.getName()), value.length(), ConsoleRequest.MAX_PARAM_CHARS);
      }
      params.putIfAbsent(f.getName(), value == null ? "" : value);
    }
    return params;
  }

  private byte[] body(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json")) {
      throw new ApiException(
          415,
          "Send the request body as application/json, not "
              + (type == null ? "(no content type)" : Texts.cap(type)));
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (origin != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
      throw new ApiException(403, "Requests from " + Texts.cap(origin) + " are not accepted");
    }
    long length = request.getLength();
    if (length > MAX_BODY_BYTES) {
      throw new ApiException(
          413, "The body is " + length + " bytes; at most " + MAX_BODY_BYTES + " are accepted");
    }
    try (InputStream in = Request.asInputStream(request)) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw new ApiException(
            413, "The body is larger than " + MAX_BODY_BYTES + " bytes, the most accepted");
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("Cannot read the request body: %s", e.getMessage());
    }
  }

  private void signIn(
      Request request,
      Response response,
      Callback callback,
      String path,
      Map<String, String> params,
      String key) {
    Optional<ConsolePrincipal> who = auth.authenticate(key);
    if (who.isEmpty()) {
      error(request, response, callback, false, 401, "That token is not this server's");
      return;
    }
    Response.addCookie(response, auth.cookie(auth.openSession(who.get(), key), request.isSecure()));
    StringBuilder location = new StringBuilder(path);
    String sep = "?";
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (!p.getKey().equals(ConsoleAuth.KEY_PARAM)) {
        location
            .append(sep)
            .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
        sep = "&";
      }
    }
    // the key leaves the address bar (and history) at once; the cookie carries it from now on
    response.setStatus(303);
    response.getHeaders().put(HttpHeader.LOCATION, location.toString());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    write(request, response, callback, "text/plain; charset=utf-8", new byte[0]);
  }

  /** {@code POST /api/v1/signin} with {@code {"token": "..."}}: the sign-in form's request. */
  private void signInWithBody(Request request, Response response, Callback callback) {
    byte[] body = body(request);
    String token;
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      token = node == null ? null : node.path("token").asText(null);
    } catch (IOException e) {
      throw ApiException.badRequest(
          "The sign-in request is not JSON: %s", Texts.cap(e.getMessage()));
    }
    if (token == null) {
      throw ApiException.badRequest("The sign-in request needs a \"token\"");
    }
    Optional<ConsolePrincipal> who = auth.authenticate(token.strip());
    if (who.isEmpty()) {
      throw new ApiException(401, "That token is not this server's");
    }
    Response.addCookie(
        response, auth.cookie(auth.openSession(who.get(), token.strip()), request.isSecure()));
    reply(
        request, response, callback, Reply.json(Json.object().put("principal", who.get().name())));
  }

  private void page(Request request, Response response, Callback callback, int status) {
    StaticAssets.Asset index = assets.get("index.html");
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    write(request, response, callback, index.contentType(), index.bytes());
  }

  private void asset(Request request, Response response, Callback callback, String name) {
    StaticAssets.Asset asset = assets.get(name);
    response.getHeaders().put(HttpHeader.ETAG, asset.etag());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    String match = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (asset.etag().equals(match)) {
      response.setStatus(304);
      callback.succeeded();
      return;
    }
    response.setStatus(200);
    write(request, response, callback, asset.contentType(), asset.bytes());
  }

  private void reply(Request request, Response response, Callback callback, Reply reply) {
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (reply instanceof Reply.JsonReply j) {
      response.setStatus(j.status());
      write(request, response, callback, "application/json; charset=utf-8", Json.bytes(j.body()));
    } else if (reply instanceof Reply.Download d) {
      response.setStatus(200);
      response
          .getHeaders()
          .put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + d.fileName() + "\"");
      if (d.csp() != null) {
        response.getHeaders().put(new HttpField("Content-Security-Policy", d.csp()));
      }
      write(request, response, callback, d.contentType(), d.body());
    }
  }

  private static void error(
      Request request,
      Response response,
      Callback callback,
      boolean json,
      int status,
      String message) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (json) {
      ObjectNode body = Json.object();
      body.putObject("error").put("status", status).put("message", message);
      write(request, response, callback, "application/json; charset=utf-8", Json.bytes(body));
      return;
    }
    String html =
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tracelake console"
            + "</title></head><body><main><h1>"
            + status
            + "</h1><p>"
            + escape(message)
            + "</p></main></body></html>";
    write(
        request,
        response,
        callback,
        "text/html; charset=utf-8",
        html.getBytes(StandardCharsets.UTF_8));
  }

  private static void text(
      Request request, Response response, Callback callback, int status, String message) {
    response.setStatus(status);
    write(
        request,
        response,
        callback,
        "text/plain; charset=utf-8",
        message.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(
      Request request, Response response, Callback callback, String type, byte[] body) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
    if (request.getMethod().equals("HEAD")) {
      response.write(true, null, callback);
    } else {
      response.write(true, ByteBuffer.wrap(body), callback);
    }
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(Character.isISOControl(c) ? '?' : c);
      }
    }
    return out.toString();
  }
}
