package dev.pitstop.driver.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers of {@link FakeController}'s pods as real HTTP servers, each on a free loopback
 * port, answering what the release's verification asks of a NocoBase pod: its health path, and
 * {@code POST /api/auth:signIn} as the root user {@code nocobase} with the password the pods get
 * from the Kubernetes Secret (the image's {@code INIT_ROOT_PASSWORD}). A pod of {@code brokenImage}
 * is healthy but refuses that sign-in, as a release whose upgrade lost the root user would. Every
 * sign-in is recorded with the pod it reached.
 */
final class SignInPods implements FakeController.Containers, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String rootPassword;
    private final String brokenImage;
    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    private final List<String> signIns = new ArrayList<>();

    SignInPods(String rootPassword, String brokenImage) {
        this.rootPassword = rootPassword;
        this.brokenImage = brokenImage;
    }

    @Override
    public int start(String pod, String image) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the container of pod " + pod, e);
        }
        server.createContext("/api/__health_check", exchange -> answer(exchange, 200, "ok"));
        server.createContext("/api/auth:signIn", exchange -> {
            JsonNode form = JSON.readTree(exchange.getRequestBody());
            boolean signedIn = exchange.getRequestMethod().equals("POST") && !image.equals(brokenImage)
                    && "basic".equals(exchange.getRequestHeaders().getFirst("X-Authenticator"))
                    && form.path("account").asText().equals("nocobase")
                    && form.path("password").asText().equals(rootPassword);
            synchronized (signIns) {
                signIns.add(pod + (signedIn ? " signed in" : " refused"));
            }
            answer(exchange, signedIn ? 200 : 401, signedIn ? "{\"data\":{\"token\":\"t-" + pod + "\"}}"
                    : "{\"errors\":[{\"message\":\"The username or password is incorrect\"}]}");
        });
        server.start();
        servers.put(pod, server);
        return server.getAddress().getPort();
    }

    @Override
    public void stop(String pod) {
        HttpServer server = servers.remove(pod);
        if (server != null) {
            server.stop(0);
        }
    }

    /** The address pod {@code pod}'s container answers at. */
    String url(String pod) {
        return "http://127.0.0.1:" + servers.get(pod).getAddress().getPort();
    }

    /** "app-00004 signed in", "app-00004 refused", in the order the pods were asked. */
    List<String> signIns() {
        synchronized (signIns) {
            return List.copyOf(signIns);
        }
    }

    @Override
    public void close() {
        List.copyOf(servers.keySet()).forEach(this::stop);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
