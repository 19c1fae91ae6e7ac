package vaultmcp.transport;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import vaultmcp.security.OriginPolicy;

/**
 * The RFC 9728 protected-resource metadata of the MCP endpoint (VAULT_AUTH_METHOD=jwt), where an OAuth
 * client finds the authorization servers that issue the JWTs it may bring: GET only, at the well-known
 * path followed by the path of MCP_RESOURCE_URL and at the root form, with the endpoint's Host and
 * Origin checks. It is public, so an allowed browser origin may read it.
 */
record ResourceMetadata(URI resource, List<String> issuers, OriginPolicy policy) implements HttpHandler {
    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    /**
     * The metadata's URL (RFC 9728 section 3.1): the well-known path, then the resource's own path on its host
     * (only a path that is "/" alone is dropped: /mcp/ gives .../oauth-protected-resource/mcp/).
     */
    static String url(URI resource) {
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? "" : resource.getRawPath();
        return resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + path;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                Answers.guard(exchange, policy, "GET, OPTIONS");
                String path = exchange.getRequestURI().getRawPath();
                if (!path.equals(WELL_KNOWN) && !path.equals(URI.create(url(resource)).getRawPath())) {
                    throw new HttpError(404, "Not Found");
                }
                switch (exchange.getRequestMethod()) {
                    case "GET" -> Answers.send(exchange, 200, document());
                    case "OPTIONS" -> Answers.send(exchange, 204, null);
                    default -> {
                        exchange.getResponseHeaders().set("Allow", "GET, OPTIONS");
                        throw new HttpError(405, "Method Not Allowed");
                    }
                }
            } catch (HttpError e) {
                Answers.send(exchange, e.status(), null);
            }
        }
    }

    private JsonObject document() {
        JsonObject doc = new JsonObject();
        doc.addProperty("resource", resource.toString());
        if (!issuers.isEmpty()) {
            JsonArray servers = new JsonArray();
            issuers.forEach(servers::add);
            doc.add("authorization_servers", servers);
        }
        JsonArray header = new JsonArray();
        header.add("header");
        doc.add("bearer_methods_supported", header);
        doc.addProperty("resource_name", "vault-mcp-server");
        return doc;
    }
}
