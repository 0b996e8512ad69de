package dev.pitstop.supervisor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pitstop.control.Tokens;
import dev.pitstop.driver.NodeFailedException;
import dev.pitstop.procedure.OperationException;
import dev.pitstop.release.ProcessNode;
import dev.pitstop.release.Release;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's control API: how a procedure running in another process (the operator's CLI)
 * starts and stops the nodes, which are this process's children. Listens on the loopback
 * interface only, and answers only requests with the cluster's admin token.
 *
 * <pre>
 * GET  /nodes                                    every node: [{"id", "url", "state", "message"}]
 * POST /nodes/{id}/start                         starts it; returns without waiting for it to be ready
 * POST /nodes/{id}/stop                          drains and stops it; returns once it has exited
 * POST /nodes/{id}/await-ready?timeout-seconds=N returns once it is ready; 503 when it will not be
 * PUT  /release  {"dir": "..."}                  nodes started from now on run this release
 * PUT  /nodes/{id}/release  {"dir": "..."}       that node, when started next, runs this release
 * POST /nodes/{id}/plugins/{change} {"plugin": "..."}
 *                                                runs the release's plugin command for change (list, add,
 *                                                enable, disable, remove) in that node's setting, to its end
 *                                                (minutes, for NocoBase); returns {"output": [its last lines]}
 * </pre>
 *
 * The plugin endpoint only runs the command; the policy, the lock, the audit and the restarts of the
 * other nodes belong to its caller, {@link dev.pitstop.procedure.ProcessPlugins}, as the procedures
 * decide when the nodes start and stop.
 *
 * Errors are {@code {"error": "..."}} with 400 (a body it cannot read), 401 (token), 404 (no such node or endpoint), 409
 * (refused: the state does not allow it), 422 (not a release directory), 503 (a node did not become ready; {@code
 * "configurationError"} says whether it rejected its configuration) or 500.
 */
final class ControlApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService workers;
    private final LocalNodeDriver nodes;
    private final String adminTokenHash;
    private final Consumer<Release> releaseSwitched;

    private ControlApi(HttpServer server, ExecutorService workers, LocalNodeDriver nodes, String adminTokenHash,
                       Consumer<Release> releaseSwitched) {
        this.server = server;
        this.workers = workers;
        this.nodes = nodes;
        this.adminTokenHash = adminTokenHash;
        this.releaseSwitched = releaseSwitched;
    }

    /**
     * Starts listening on a free loopback port.
     *
     * @param releaseSwitched told of each release switch, after the nodes' configuration was rewritten
     */
    static ControlApi start(LocalNodeDriver nodes, String adminTokenHash, Consumer<Release> releaseSwitched) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + Ports.HOST + " for the control API: " + e.getMessage(), e);
        }
        // Stopping a node or waiting for one blocks its request for long: each gets a thread.
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "control-api");
            thread.setDaemon(true);
            return thread;
        });
        ControlApi api = new ControlApi(server, workers, nodes, adminTokenHash, releaseSwitched);
        server.setExecutor(workers);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    String url() {
        return "http://" + Ports.HOST + ":" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
            if (!Tokens.matches(token, adminTokenHash)) {
                respond(exchange, 401, error("the control API needs 'Authorization: Bearer <token>' with the "
                        + "cluster's admin token"));
                return;
            }
            try {
                route(exchange);
            } catch (RuntimeException | IOException e) {
                answer(exchange, e);
            }
        }
    }

    /**
     * The control API's one mapping from exceptions to answers. Typed exceptions carry messages
     * written for the operator; any other is answered without its Java text, which goes to the
     * supervisor's log.
     */
    private static void answer(HttpExchange exchange, Exception e) throws IOException {
        if (e instanceof NotFound) {
            respond(exchange, 404, error(e.getMessage()));
        } else if (e instanceof BadRequest) {
            respond(exchange, 400, error(e.getMessage()));
        } else if (e instanceof JsonProcessingException json) {
            respond(exchange, 400, error("the request body must be JSON; it is not valid at line "
                    + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr()));
        } else if (e instanceof OperationException operation) {
            respond(exchange, operation.kind() == OperationException.Kind.REFUSED ? 409 : 500, error(e.getMessage()));
        } else if (e instanceof NodeFailedException failed) {
            Map<String, Object> body = error(e.getMessage());
            body.put("configurationError", failed.configurationError());
            respond(exchange, 503, body);
        } else {
            log.error("Control API request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            respond(exchange, 500, error(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + " failed in the supervisor with an unexpected error; the supervisor's log has the details"));
        }
    }

    /** No such endpoint or node. */
    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** A request this API cannot read: a body without what the endpoint needs. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String[] path = exchange.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
        if (method.equals("GET") && path.length == 1 && path[0].equals("nodes")) {
            respond(exchange, 200, nodes.nodes());
        } else if (method.equals("POST") && path.length == 3 && path[0].equals("nodes")) {
            String id = path[1];
            if (!nodes.ids().contains(id)) {
                throw new NotFound("no node '" + id + "'; nodes are " + String.join(", ", nodes.ids()));
            }
            switch (path[2]) {
                case "start" -> nodes.start(id);
                case "stop" -> nodes.stop(id);
                case "await-ready" -> nodes.awaitReady(id, Duration.ofSeconds(timeoutSeconds(exchange)));
                default -> throw new NotFound("no control endpoint POST " + exchange.getRequestURI());
            }
            respond(exchange, 200, Map.of());
        } else if (method.equals("POST") && path.length == 4 && path[0].equals("nodes") && path[2].equals("plugins")) {
            String id = path[1];
            if (!nodes.ids().contains(id)) {
                throw new NotFound("no node '" + id + "'; nodes are " + String.join(", ", nodes.ids()));
            }
            ProcessNode.PluginCommand change = ProcessNode.PluginCommand.labelled(path[3]).orElseThrow(() ->
                    new NotFound("no control endpoint POST " + exchange.getRequestURI() + "; the plugin changes are "
                            + "list, add, enable, disable, remove"));
            JsonNode body = body(exchange);
            String plugin = body == null ? null : body.path("plugin").asText(null);
            if (plugin == null && change != ProcessNode.PluginCommand.LIST) {
                throw new BadRequest("POST " + exchange.getRequestURI().getPath() + " needs the body "
                        + "{\"plugin\": \"NAME\"}");
            }
            respond(exchange, 200, Map.of("output", nodes.run(id, change, plugin)));
        } else if (method.equals("PUT") && path.length == 3 && path[0].equals("nodes") && path[2].equals("release")) {
            String id = path[1];
            if (!nodes.ids().contains(id)) {
                throw new NotFound("no node '" + id + "'; nodes are " + String.join(", ", nodes.ids()));
            }
            Release release = release(exchange);
            if (release == null) {
                return;
            }
            if (nodes.useReleaseFor(id, release)) {
                releaseSwitched.accept(release);
            }
            respond(exchange, 200, Map.of());
        } else if (method.equals("PUT") && path.length == 1 && path[0].equals("release")) {
            Release release = release(exchange);
            if (release == null) {
                return;
            }
            nodes.useRelease(release);
            releaseSwitched.accept(release);
            respond(exchange, 200, Map.of());
        } else {
            throw new NotFound("no control endpoint " + method + " " + exchange.getRequestURI());
        }
    }

    /** The release the body's {@code "dir"} names; null once a 422 saying why not has been answered. */
    private static Release release(HttpExchange exchange) throws IOException {
        try {
            return Release.open(Path.of(body(exchange).path("dir").asText()));
        } catch (InvalidPathException e) {
            respond(exchange, 422, error("\"dir\" is not a path: " + e.getInput()));
        } catch (IllegalArgumentException e) {
            respond(exchange, 422, error(e.getMessage()));
        }
        return null;
    }

    private static long timeoutSeconds(HttpExchange exchange) {
        String query = exchange.getRequestURI().getQuery();
        if (query != null && query.startsWith("timeout-seconds=")) {
            try {
                return Long.parseLong(query.substring("timeout-seconds=".length()));
            } catch (NumberFormatException e) {
                // answered below
            }
        }
        throw OperationException.refused("await-ready needs ?timeout-seconds=N, got: " + query);
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return JSON.readTree(in);
        }
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
