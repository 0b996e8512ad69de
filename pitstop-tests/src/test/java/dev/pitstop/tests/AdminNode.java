package dev.pitstop.tests;

import com.zaxxer.hikari.HikariDataSource;
import dev.pitstop.control.Cluster;
import dev.pitstop.control.Tokens;
import dev.pitstop.db.Database;
import dev.pitstop.db.DbSettings;
import dev.pitstop.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One node of the demo release on a database of its own, whose cluster row holds the hash of
 * {@link #TOKEN} as the home's admin token, and a pool on that database: for tests of the admin API.
 */
final class AdminNode implements AutoCloseable {

    static final String TOKEN = "admin-token-for-tests";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Duration TOKEN_BOUND = Duration.ofSeconds(30);

    final DbSettings db;
    final NodeProcess node;
    final HikariDataSource pool;

    private AdminNode(DbSettings db, NodeProcess node, HikariDataSource pool) {
        this.db = db;
        this.node = node;
        this.pool = pool;
    }

    /**
     * A node that does not get ready is stopped before the failure is thrown: the test gets no
     * AdminNode to close, and the process would outlive the test.
     *
     * @param settings node configuration, {@code key=value}
     */
    static AdminNode start(String... settings) {
        DbSettings db = TestDatabase.create();
        NodeProcess node = NodeProcess.start(Demo.release("1.0.0"), db, "node-1", settings);
        try {
            node.awaitReady();
        } catch (AssertionError e) {
            try {
                node.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                e.addSuppressed(interrupted);
            }
            throw e;
        }
        HikariDataSource pool = Database.pool(db, "test", 2);
        new Cluster(pool).setTokenHashes(Tokens.hash(TOKEN), null);
        AdminNode admin = new AdminNode(db, node, pool);
        admin.awaitToken();
        return admin;
    }

    /**
     * The node learns the new token hash from a database notification, a moment after it is
     * written: until then the admin API answers 401, which a test's first request must not meet.
     */
    private void awaitToken() {
        long deadline = System.nanoTime() + TOKEN_BOUND.toNanos();
        while (send("GET", "/admin/node", HttpRequest.BodyPublishers.noBody(), TOKEN).statusCode() == 401) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node-1 still refuses the admin token " + TOKEN_BOUND + " after it was set");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A request to the node with {@code token}, and more headers as name, value pairs. */
    HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String token,
                              String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        node.close();
        pool.close();
    }
}
