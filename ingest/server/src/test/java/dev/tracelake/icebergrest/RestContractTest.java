package dev.tracelake.icebergrest;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every operation of the Iceberg REST catalog's OpenAPI document, called on the catalog: the status
 * must be one the document declares for the operation, and the JSON body must validate against the
 * schema the document gives for that status.
 *
 * <p>The document is {@code open-api/rest-catalog-open-api.yaml} of apache/iceberg at commit
 * 0e7a36d48ff83792bfeb72eaff2dd2d7fae60eb3 (2026-08-02; API version 0.0.1, OpenAPI 3.1.1), copied
 * to this module's test resources. It is newer than iceberg-core 1.12 and adds the function
 * endpoints, which the catalog answers with an empty list and 404.
 */
class RestContractTest extends RestTestBase {
  private static final Set<String> METHODS = Set.of("get", "head", "post", "delete", "put");

  /** Operations whose answer must be a success: what the catalog serves. */
  private static final Map<String, Integer> SERVED =
      Map.ofEntries(
          Map.entry("GET /v1/config", 200),
          Map.entry("POST /v1/oauth/tokens", 200),
          Map.entry("GET /v1/{prefix}/namespaces", 200),
          Map.entry("GET /v1/{prefix}/namespaces/{namespace}", 200),
          Map.entry("HEAD /v1/{prefix}/namespaces/{namespace}", 204),
          Map.entry("GET /v1/{prefix}/namespaces/{namespace}/tables", 200),
          Map.entry("GET /v1/{prefix}/namespaces/{namespace}/tables/{table}", 200),
          Map.entry("HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}", 204),
          Map.entry("GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials", 200),
          Map.entry("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics", 204),
          Map.entry("GET /v1/{prefix}/namespaces/{namespace}/views", 200),
          Map.entry("GET /v1/{prefix}/namespaces/{namespace}/functions", 200));

  @Test
  void everyOperationAnswersAsTheSpecificationSays() throws Exception {
    JsonNode spec;
    try (InputStream in =
        getClass().getResourceAsStream("/icebergrest/rest-catalog-open-api.yaml")) {
      spec = new YAMLMapper().readTree(in);
    }
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    ObjectMapper json = new ObjectMapper();
    // The document contradicts itself here: PageToken's schema says string, its description says
    // "The server must return null value for the next-page-token in the last response", which is
    // what Iceberg's own models send. Follow the description.
    ObjectNode pageToken = (ObjectNode) spec.get("components").get("schemas").get("PageToken");
    assertThat(pageToken.get("description").asString())
        .contains("must return `null` value for the `next-page-token`");
    pageToken.set("type", json.createArrayNode().add("string").add("null"));

    List<String> problems = new ArrayList<>();
    int operations = 0;
    for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
      for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        operations++;
        String method = op.getKey().toUpperCase(Locale.ROOT);
        String name = method + " " + path.getKey();
        HttpResponse<String> response = send(method, path.getKey());
        int status = response.statusCode();
        JsonNode declared = declaredResponse(spec, op.getValue().get("responses"), status);
        Integer expected = SERVED.get(name);
        if (expected != null && status != expected) {
          problems.add(name + ": expected " + expected + ", got " + status + " " + response.body());
          continue;
        }
        if (expected == null && (status < 400 || status >= 500)) {
          problems.add(name + ": a write or unoffered feature must be refused, got " + status);
          continue;
        }
        if (declared == null) {
          problems.add(name + ": status " + status + " is not declared; body " + response.body());
          continue;
        }
        JsonNode schemaRef = declared.path("content").path("application/json").path("schema");
        if (schemaRef.isMissingNode() || response.body().isEmpty()) {
          if (!schemaRef.isMissingNode() && !method.equals("HEAD")) {
            problems.add(name + ": " + status + " needs a JSON body");
          }
          continue;
        }
        ObjectNode wrapper = json.createObjectNode();
        wrapper.set("$ref", schemaRef.get("$ref"));
        wrapper.set("components", spec.get("components"));
        Schema schema = registry.getSchema(wrapper);
        JsonNode body = json.readTree(response.body());
        if (schemaRef.get("$ref").asString().endsWith("/ErrorModel") && body.has("error")) {
          // a few error responses name the bare ErrorModel as schema while their examples, every
          // other error response and Iceberg's client wrap it in {"error": ...}: check the model
          body = body.get("error");
        }
        List<Error> errors = schema.validate(body);
        if (!errors.isEmpty()) {
          problems.add(
              name
                  + ": "
                  + status
                  + " body does not match "
                  + schemaRef.get("$ref")
                  + ": "
                  + errors
                  + "; body "
                  + abbreviate(response.body()));
        }
      }
    }
    assertThat(operations).isGreaterThanOrEqualTo(35);
    assertThat(problems).isEmpty();
  }

  private static String abbreviate(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }

  /** The spec's response object for a status (following a $ref), or null when undeclared. */
  private static JsonNode declaredResponse(JsonNode spec, JsonNode responses, int status) {
    JsonNode r = responses.get(Integer.toString(status));
    if (r == null && status >= 500) {
      r = responses.get("5XX");
    }
    if (r == null) {
      return null;
    }
    while (r.has("$ref")) {
      String ref = r.get("$ref").asString();
      JsonNode target = spec;
      for (String part : ref.substring(2).split("/")) {
        target = target.get(part);
      }
      r = target;
    }
    return r;
  }

  private HttpResponse<String> send(String method, String template) throws Exception {
    String path =
        template
            .replace("/{prefix}", "")
            .replace("{namespace}", "default")
            .replace("{table}", "events")
            .replace("{view}", "no_such_view")
            .replace("{function}", "no_such_function")
            .replace("{plan-id}", "no-such-plan");
    if (path.equals("/v1/oauth/tokens")) {
      return call(
          "POST",
          path,
          "grant_type=client_credentials&client_id=contract&client_secret="
              + TOKEN
              + "&scope=catalog",
          "Content-Type",
          "application/x-www-form-urlencoded");
    }
    String body = method.equals("POST") ? "{}" : null;
    return authed(method, path, body);
  }

  @Test
  void specificationDocumentIsTheOneDescribed() throws Exception {
    JsonNode spec;
    try (InputStream in =
        getClass().getResourceAsStream("/icebergrest/rest-catalog-open-api.yaml")) {
      spec = new YAMLMapper().readTree(in);
    }
    assertThat(spec.get("openapi").asString()).isEqualTo("3.1.1");
    Iterator<String> names = spec.get("paths").propertyNames().iterator();
    assertThat(names.hasNext()).isTrue();
  }
}
