package dev.pitstop.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlNamesTest {

    @Test
    void quotesEveryPartOfAName() {
        assertThat(SqlNames.quoted("app.items")).isEqualTo("\"app\".\"items\"");
        assertThat(SqlNames.quoted("app.\"Odd \"\"name\"\"\"")).isEqualTo("\"app\".\"Odd \"\"name\"\"\"");
        assertThat(SqlNames.quoted("sku")).isEqualTo("\"sku\"");
        assertThat(SqlNames.unquoted("\"Odd \"\"name\"\"\"")).isEqualTo("Odd \"name\"");
        assertThat(SqlNames.unquoted("sku")).isEqualTo("sku");
    }

    @Test
    void refusesWhatIsMoreThanAName() {
        assertThatThrownBy(() -> SqlNames.quoted("app.items; DROP TABLE app.items"))
                .hasMessageContaining("is not a name: it goes on after 'app.items'");
        assertThatThrownBy(() -> SqlNames.quoted("app.items(id)")).hasMessageContaining("is not a name");
        assertThatThrownBy(() -> SqlNames.quoted("App.items")).hasMessageContaining("'App' would need quotes");
        assertThatThrownBy(() -> SqlNames.quoted("\"unterminated")).hasMessageContaining("unterminated");
    }
}
