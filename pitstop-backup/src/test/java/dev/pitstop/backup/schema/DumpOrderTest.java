package dev.pitstop.backup.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.backup.UnsupportedObjectsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpOrderTest {

    private final List<SchemaObject> objects = new ArrayList<>();

    private SchemaObject add(String key, Kind kind) {
        SchemaObject object = new SchemaObject(key, kind, key, "CREATE " + key, List.of());
        objects.add(object);
        return object;
    }

    private static List<String> names(List<SchemaObject> sorted) {
        return sorted.stream().map(o -> o.section + " " + o.name).toList();
    }

    @Test
    void kindsGoInTheirOrderUnlessADependencySaysOtherwise() {
        add("t", Kind.TABLE).after("f");
        add("f", Kind.FUNCTION).after("s");
        add("s", Kind.SCHEMA);
        add("i", Kind.INDEX).after("t");
        add("g", Kind.FUNCTION).after("t");

        assertThat(names(DumpOrder.sort(objects, Map.of()))).containsExactly(
                "BEFORE_DATA s", "BEFORE_DATA f", "BEFORE_DATA t", "BEFORE_DATA g", "AFTER_DATA i");
    }

    @Test
    void aViewThatNeedsAKeyIsAPlaceholderBeforeTheDataAndItsQueryAfterTheKey() {
        add("t", Kind.TABLE);
        add("pk", Kind.CONSTRAINT).after("t");
        SchemaObject view = add("v", Kind.VIEW).after("t").after("pk");
        view.sql = "CREATE VIEW v AS SELECT t.id, t.name FROM t GROUP BY t.id";
        add("user", Kind.TABLE).after("v");

        List<SchemaObject> sorted = DumpOrder.sort(objects, Map.of("v", "CREATE VIEW v AS SELECT NULL::int AS id"));

        assertThat(names(sorted)).containsExactly("BEFORE_DATA t", "BEFORE_DATA v", "BEFORE_DATA user",
                "AFTER_DATA pk", "AFTER_DATA v");
        assertThat(view.sql).isEqualTo("CREATE VIEW v AS SELECT NULL::int AS id");
        assertThat(sorted.get(4).sql).isEqualTo("CREATE OR REPLACE VIEW v AS SELECT t.id, t.name FROM t GROUP BY t.id");
    }

    @Test
    void aMaterializedViewThatNeedsAKeyMovesAfterItAndAKeyATableNeedsMovesBefore() {
        add("t", Kind.TABLE);
        add("pk", Kind.CONSTRAINT).after("t");
        add("m", Kind.MATERIALIZED_VIEW).after("pk");
        add("other", Kind.TABLE).after("pk");

        assertThat(names(DumpOrder.sort(objects, Map.of()))).containsExactly(
                "BEFORE_DATA t", "BEFORE_DATA pk", "BEFORE_DATA other", "AFTER_DATA m");
    }

    @Test
    void aLoopIsRefusedNamingEveryObjectInIt() {
        add("a", Kind.TABLE).after("b");
        add("b", Kind.FUNCTION).after("c");
        add("c", Kind.DOMAIN).after("a");
        add("free", Kind.SCHEMA);

        assertThatThrownBy(() -> DumpOrder.sort(objects, Map.of()))
                .isInstanceOf(UnsupportedObjectsException.class)
                .hasMessageContaining("a dependency loop that cannot be broken:")
                .hasMessageContaining("table a").hasMessageContaining("function b").hasMessageContaining("domain c");
    }
}
