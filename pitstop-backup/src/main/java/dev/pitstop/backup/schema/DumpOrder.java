package dev.pitstop.backup.schema;

import dev.pitstop.backup.UnsupportedObjectsException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Orders the statements: each after the statements it depends on, and among those free to go,
 * by {@link Kind} (then as read), which disturbs the preferred order as little as possible.
 *
 * <p>Two sections complicate it, as in pg_dump: a statement before the data must not depend on one
 * after it. The known case is a view that groups by a table's primary key, legal only once the key
 * exists: the view is created first as a placeholder with the same columns, so that what uses it
 * can be created, and replaced by its real query once the keys exist ({@link Kind#VIEW_DEFINITION}).
 * A materialized view or a function in that position moves after the data with what depends on it;
 * a table cannot, so the key it needs moves before the data instead. Any other loop is refused,
 * naming every object in it.
 */
final class DumpOrder {

    private final Map<String, SchemaObject> objects = new LinkedHashMap<>();
    private final Map<String, String> placeholders;

    /** @param placeholders a view's placeholder statement by the view's key */
    private DumpOrder(List<SchemaObject> all, Map<String, String> placeholders) {
        for (SchemaObject object : all) {
            objects.put(object.key, object);
        }
        this.placeholders = placeholders;
    }

    static List<SchemaObject> sort(List<SchemaObject> all, Map<String, String> placeholders) {
        DumpOrder order = new DumpOrder(all, placeholders);
        order.dropUnknownDependencies();
        order.keepSectionsApart();
        return order.topological();
    }

    private void dropUnknownDependencies() {
        for (SchemaObject object : objects.values()) {
            object.dependencies.removeIf(key -> !objects.containsKey(key));
        }
    }

    private static boolean before(SchemaObject o) {
        return o.section == Kind.Section.BEFORE_DATA;
    }

    /** Repairs every statement before the data that depends on one after it. */
    private void keepSectionsApart() {
        Deque<SchemaObject> work = new ArrayDeque<>(objects.values());
        while (!work.isEmpty()) {
            SchemaObject object = work.poll();
            if (!before(object)) {
                continue;
            }
            List<SchemaObject> later = object.dependencies.stream().map(objects::get).filter(d -> !before(d)).toList();
            if (later.isEmpty()) {
                continue;
            }
            if (object.kind == Kind.VIEW) {
                splitView(object, later);
            } else if (MOVABLE.contains(object.kind)) {
                object.section = Kind.Section.AFTER_DATA;
                work.addAll(dependentsOf(object));
            } else {
                for (SchemaObject needed : later) {
                    if (!PULLABLE.contains(needed.kind)) {
                        throw new UnsupportedObjectsException(List.of(object + " needs " + needed
                                + ", which can only be made after the rows are loaded"));
                    }
                    needed.section = Kind.Section.BEFORE_DATA;
                    work.add(needed);
                }
            }
        }
    }

    /** Statements that may run after the data when they need something made there. */
    private static final Set<Kind> MOVABLE = Set.of(Kind.MATERIALIZED_VIEW, Kind.FUNCTION, Kind.AGGREGATE,
            Kind.OPERATOR, Kind.CAST, Kind.COLUMN_DEFAULT, Kind.COLUMN_OPTIONS, Kind.SEQUENCE_OWNERSHIP);

    /** Statements after the data that may run before it when a table needs them: keys, then checked row by row. */
    private static final Set<Kind> PULLABLE = Set.of(Kind.CONSTRAINT, Kind.INDEX);

    /** The view's placeholder stays; its query, with what it needs, goes after the data. */
    private void splitView(SchemaObject view, List<SchemaObject> later) {
        SchemaObject definition = new SchemaObject(view.key + "/definition", Kind.VIEW_DEFINITION, view.name,
                view.sql.replaceFirst("^CREATE VIEW ", "CREATE OR REPLACE VIEW "), view.roles);
        definition.dependencies.addAll(view.dependencies);
        definition.after(view.key);
        view.sql = placeholders.get(view.key);
        for (SchemaObject needed : later) {
            view.dependencies.remove(needed.key);
        }
        objects.put(definition.key, definition);
        // What fills or checks data through the view must see its real query.
        for (SchemaObject other : objects.values()) {
            if (!before(other) && other != definition && other.dependencies.contains(view.key)) {
                other.after(definition.key);
            }
        }
    }

    private List<SchemaObject> dependentsOf(SchemaObject object) {
        return objects.values().stream().filter(o -> o.dependencies.contains(object.key)).toList();
    }

    /** Kahn's algorithm with a priority queue; a stall is a loop, reported with its members. */
    private List<SchemaObject> topological() {
        Map<String, Integer> position = new HashMap<>();
        int index = 0;
        for (String key : objects.keySet()) {
            position.put(key, index++);
        }
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<SchemaObject>> dependents = new HashMap<>();
        for (SchemaObject object : objects.values()) {
            waiting.put(object.key, object.dependencies.size());
            for (String dependency : object.dependencies) {
                dependents.computeIfAbsent(dependency, k -> new ArrayList<>()).add(object);
            }
        }
        PriorityQueue<SchemaObject> ready = new PriorityQueue<>(Comparator
                .comparing((SchemaObject o) -> o.section)
                .thenComparing(o -> o.kind)
                .thenComparing(o -> position.get(o.key)));
        objects.values().stream().filter(o -> o.dependencies.isEmpty()).forEach(ready::add);
        List<SchemaObject> sorted = new ArrayList<>(objects.size());
        while (!ready.isEmpty()) {
            SchemaObject next = ready.poll();
            sorted.add(next);
            for (SchemaObject dependent : dependents.getOrDefault(next.key, List.of())) {
                if (waiting.merge(dependent.key, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (sorted.size() < objects.size()) {
            Set<String> left = new HashSet<>(objects.keySet());
            sorted.forEach(o -> left.remove(o.key));
            throw new UnsupportedObjectsException(List.of("a dependency loop that cannot be broken: "
                    + String.join(" → ", loop(left))));
        }
        return sorted;
    }

    /** One loop among the objects left when the sort stalled, as descriptions, closed. */
    private List<String> loop(Set<String> left) {
        String start = left.iterator().next();
        List<String> path = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String current = start;
        while (!seen.containsKey(current)) {
            seen.put(current, path.size());
            path.add(current);
            current = objects.get(current).dependencies.stream().filter(left::contains).findFirst().orElseThrow();
        }
        List<String> cycle = new ArrayList<>();
        for (String key : path.subList(seen.get(current), path.size())) {
            cycle.add(objects.get(key).toString());
        }
        cycle.add(objects.get(current).toString());
        return cycle;
    }
}
