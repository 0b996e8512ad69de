package dev.pitstop.backup.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppSchemasTest {

    @Test
    void byDefaultEverySchemaButTheControlAndSystemOnes() {
        assertThat(AppSchemas.of(null)).isSameAs(AppSchemas.ALL);
        assertThat(AppSchemas.of(List.of())).isSameAs(AppSchemas.ALL);
        assertThat(AppSchemas.ALL.condition()).isEqualTo("(n.nspname <> 'pitstop' AND n.nspname <> 'information_schema'"
                + " AND n.nspname !~ '^pg_')");
        assertThat(AppSchemas.ALL.includes("app")).isTrue();
        assertThat(AppSchemas.ALL.includes("\"Mixed Case\"")).isTrue();
        assertThat(AppSchemas.ALL.includes("pitstop")).isFalse();
        assertThat(AppSchemas.ALL.includes("pg_catalog")).isFalse();
    }

    @Test
    void namedSchemasAreExactlyThose() {
        AppSchemas schemas = AppSchemas.of(List.of("reports", "app", "app"));

        assertThat(schemas.names()).containsExactly("app", "reports");
        assertThat(schemas.condition()).isEqualTo("(n.nspname IN ('app', 'reports'))");
        assertThat(schemas.includes("app")).isTrue();
        assertThat(schemas.includes("\"app\"")).isTrue();
        assertThat(schemas.includes("billing")).isFalse();
        assertThat(schemas).hasToString("app, reports");
    }

    @Test
    void aNameThatIsNotAPlainIdentifierOrIsReservedIsRefused() {
        assertThatThrownBy(() -> AppSchemas.of(List.of("app'); DROP SCHEMA x; --")))
                .hasMessageStartingWith("application schema 'app'); DROP SCHEMA x; --' is not a lower-case SQL identifier");
        assertThatThrownBy(() -> AppSchemas.of(List.of("App"))).hasMessageContaining("not a lower-case SQL identifier");
        assertThatThrownBy(() -> AppSchemas.of(List.of("pitstop")))
                .hasMessage("'pitstop' cannot be an application schema: it is Pitstop's control schema");
        assertThatThrownBy(() -> AppSchemas.of(List.of("pg_catalog")))
                .hasMessage("'pg_catalog' cannot be an application schema: it is PostgreSQL's own");
    }
}
