package dev.pitstop.node.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Orders plugins so each comes after the plugins it depends on, as they must be migrated and loaded. */
public final class DependencyOrder {

    private DependencyOrder() {
    }

    /**
     * Dependencies outside {@code items} are ignored (checked elsewhere); a cycle is broken at the
     * point it closes, and PF4J then refuses to resolve it with its own message.
     */
    public static <T> List<T> sort(Collection<T> items, Function<T, String> id, Function<T, List<String>> dependencies) {
        Map<String, T> byId = new LinkedHashMap<>();
        items.forEach(item -> byId.put(id.apply(item), item));
        Map<String, T> ordered = new LinkedHashMap<>();
        for (T item : items) {
            visit(item, byId, id, dependencies, ordered, new ArrayList<>());
        }
        return List.copyOf(ordered.values());
    }

    private static <T> void visit(T item, Map<String, T> byId, Function<T, String> id,
                                  Function<T, List<String>> dependencies, Map<String, T> ordered, List<String> path) {
        String key = id.apply(item);
        if (ordered.containsKey(key) || path.contains(key)) {
            return;
        }
        path.add(key);
        for (String dependency : dependencies.apply(item)) {
            T needed = byId.get(dependency);
            if (needed != null) {
                visit(needed, byId, id, dependencies, ordered, path);
            }
        }
        ordered.put(key, item);
    }
}
