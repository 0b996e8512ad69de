package dev.pitstop.backup.schema;

import dev.pitstop.backup.schema.Definitions.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the readers found so far: the statements, and for each {@code pg_depend} address the key
 * of the statement that makes that object — its own, or the one of the object it is part of (a
 * table's row type, an inline constraint, an extension's member).
 */
final class Reading {

    final List<SchemaObject> objects = new ArrayList<>();
    final List<Table> tables = new ArrayList<>();
    /** A view's placeholder: the same columns, no query (see {@link DumpOrder}). */
    final Map<String, String> placeholders = new HashMap<>();
    private final Map<String, String> made = new HashMap<>();
    private final Map<String, SchemaObject> byKey = new HashMap<>();

    SchemaObject add(String key, Kind kind, String name, String sql, List<String> roles) {
        SchemaObject object = new SchemaObject(key, kind, name, sql, roles);
        objects.add(object);
        byKey.put(key, object);
        made.putIfAbsent(key, key);
        return object;
    }

    SchemaObject add(String key, Kind kind, String name, String sql) {
        return add(key, kind, name, sql, List.of());
    }

    /** The statement {@code key}, or null. */
    SchemaObject get(String key) {
        return byKey.get(key);
    }

    /** Records that the object at {@code address} is made by the statement {@code key}. */
    void madeBy(String address, String key) {
        made.put(address, key);
    }

    /**
     * The statement that makes the object at {@code address} (or the statement {@code address}
     * itself), following what the object is part of; null if the backup does not make it.
     */
    String maker(String address) {
        String current = address;
        for (int hops = 0; current != null && hops < 8; hops++) {
            String next = made.get(current);
            if (current.equals(next)) {
                return current;
            }
            current = next;
        }
        return null;
    }
}
