package dev.pitstop.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.release.DeclaredTables;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A release's own declarations (NocoBase's preset) beside the core's, matched to catalog names as PostgreSQL quotes them. */
class DeclarationsTest {

    private static final DeclaredTables PRESET = new DeclaredTables("public", List.of("uiSchemas", "collections"),
            List.of("authenticators"), List.of("applicationPlugins"));

    @Test
    void aReleaseDeclaresItsTablesByPlainNameAndTheRestIsUserData() {
        Declarations declarations = Declarations.read(Optional.of(PRESET), "nocobase", List.of());

        assertThat(declarations.of("public.\"uiSchemas\"")).isEqualTo(
                new Declarations.Declared(TableRole.CONFIGURATION, "nocobase"));
        assertThat(declarations.of("public.collections").role()).isEqualTo(TableRole.CONFIGURATION);
        assertThat(declarations.of("public.authenticators").role()).isEqualTo(TableRole.USER_DATA);
        assertThat(declarations.of("public.\"applicationPlugins\"").role()).isEqualTo(TableRole.INTERNAL);
        assertThat(declarations.of("public.orders")).isEqualTo(new Declarations.Declared(TableRole.USER_DATA, null));
        assertThat(declarations.of("public.uischemas").owner()).isNull();
        assertThat(declarations.of("app.settings").role()).isEqualTo(TableRole.CONFIGURATION);
    }

    @Test
    void aTableDeclaredTwiceIsRefused() {
        DeclaredTables twice = new DeclaredTables("public", List.of("roles"), List.of("roles"), List.of());

        assertThatThrownBy(() -> Declarations.read(Optional.of(twice), "nocobase", List.of()))
                .isInstanceOf(InvalidMigrationException.class)
                .hasMessageContaining("release nocobase declares table public.roles as user data, but nocobase declares "
                        + "it as configuration");
    }
}
