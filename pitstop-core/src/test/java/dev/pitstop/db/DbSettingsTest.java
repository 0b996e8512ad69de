package dev.pitstop.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DbSettingsTest {

    @Test
    void anotherDatabaseKeepsServerUserAndParameters() {
        DbSettings db = new DbSettings("jdbc:postgresql://db.example:5433/shop?sslmode=require&user=x", "app", "pw");

        DbSettings scratch = db.withDatabase("pitstop_replay_1");

        assertThat(scratch.url()).isEqualTo("jdbc:postgresql://db.example:5433/pitstop_replay_1?sslmode=require&user=x");
        assertThat(scratch.user()).isEqualTo("app");
        assertThat(scratch.password()).isEqualTo("pw");
        assertThat(new DbSettings("jdbc:postgresql://localhost/shop", null, null).withDatabase("s").url())
                .isEqualTo("jdbc:postgresql://localhost/s");
        assertThat(new DbSettings("jdbc:postgresql://localhost", null, null).withDatabase("s").url())
                .isEqualTo("jdbc:postgresql://localhost/s");
    }
}
