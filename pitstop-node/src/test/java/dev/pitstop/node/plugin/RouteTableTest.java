package dev.pitstop.node.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.plugin.Handler;
import dev.pitstop.plugin.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final RouteTable<Handler> table = new RouteTable<>();
    private final Handler handler = request -> Response.ok("x");

    @Test
    void matchesLiteralSegmentsAndParameters() {
        table.add("items", "GET", "/api/items/{id}", handler);
        table.add("comments", "GET", "/api/items/{id}/comments", handler);

        RouteTable.Match<Handler> match = table.find("GET", "/api/items/42/comments");

        assertThat(match.pluginId()).isEqualTo("comments");
        assertThat(match.pathParams()).isEqualTo(Map.of("id", "42"));
        assertThat(table.find("GET", "/api/items/42").pluginId()).isEqualTo("items");
        assertThat(table.find("POST", "/api/items/42")).isNull();
        assertThat(table.hasPath("/api/items/42")).isTrue();
        assertThat(table.find("GET", "/api/items")).isNull();
    }

    @Test
    void unloadingAPluginRemovesItsRoutesOnly() {
        table.add("items", "GET", "/api/items", handler);
        table.add("comments", "GET", "/api/items/{id}/comments", handler);

        table.removeAll("comments");

        assertThat(table.find("GET", "/api/items/1/comments")).isNull();
        assertThat(table.find("GET", "/api/items")).isNotNull();
    }

    @Test
    void refusesARouteAnotherPluginServes() {
        table.add("items", "GET", "/api/items/{id}", handler);

        assertThatThrownBy(() -> table.add("other", "GET", "/api/items/{key}", handler))
                .hasMessageContaining("already served by plugin items");
    }
}
