package dev.pitstop.backup.schema;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One statement of the definitions while they are read and ordered: what it makes, the statement,
 * and the keys of the statements it must follow. A catalog object's key is its {@code pg_depend}
 * address, {@code classid:objid}, so that PostgreSQL's recorded dependencies name it directly; a
 * statement about an object (its owner, a comment) has the object's key with a suffix.
 */
final class SchemaObject {

    final String key;
    final Kind kind;
    /** The kind's section, unless the order had to move the statement across the data. */
    Kind.Section section;
    final String name;
    String sql;
    final List<String> roles;
    final Set<String> dependencies = new LinkedHashSet<>();

    SchemaObject(String key, Kind kind, String name, String sql, List<String> roles) {
        this.key = key;
        this.kind = kind;
        this.section = kind.section;
        this.name = name;
        this.sql = sql;
        this.roles = List.copyOf(roles);
    }

    SchemaObject after(String dependency) {
        if (dependency != null && !dependency.equals(key)) {
            dependencies.add(dependency);
        }
        return this;
    }

    Definitions.Ddl ddl() {
        return new Definitions.Ddl(kind.label, name, sql, roles);
    }

    @Override
    public String toString() {
        return kind.label + " " + name;
    }
}
