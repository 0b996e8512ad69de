package dev.pitstop.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the names in the statements and object names the backup engine's catalog reader writes.
 * PostgreSQL prints every name with {@code quote_ident}: plain when it can be, else in double
 * quotes with inner quotes doubled. The names are returned as printed, so they compare and join
 * with the reader's other names.
 */
final class SqlNames {

    private final String text;
    private int position;

    private SqlNames(String text, int position) {
        this.text = text;
        this.position = position;
    }

    /** The dotted name at the start of {@code text}, like {@code app.items.id}, as its parts. */
    static List<String> parts(String text) {
        return new SqlNames(text, 0).dotted();
    }

    /** The dotted name right after the first {@code marker} in {@code text}. */
    static List<String> partsAfter(String text, String marker) {
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new IllegalArgumentException("no '" + marker.strip() + "' in: " + text);
        }
        return new SqlNames(text, at + marker.length()).dotted();
    }

    /**
     * The dotted name after {@code marker} that follows the name at {@code start}: the table of
     * {@code items_sku_key ON app.items}, whatever the first name holds.
     */
    static List<String> partsAfterName(String text, int start, String marker) {
        SqlNames names = new SqlNames(text, start);
        names.identifier();
        if (!text.startsWith(marker, names.position)) {
            throw new IllegalArgumentException("no '" + marker.strip() + "' after the name at " + start + " of: " + text);
        }
        names.position += marker.length();
        return names.dotted();
    }

    /**
     * {@code name}, a dotted name as {@code quote_ident} prints it, with every part in double quotes:
     * what statements built from a migration file's names use, so that a name is only ever a name.
     *
     * @throws IllegalArgumentException when {@code name} is anything more than a name
     */
    static String quoted(String name) {
        SqlNames names = new SqlNames(name, 0);
        List<String> parts = names.dotted();
        if (names.position != name.length()) {
            throw new IllegalArgumentException("'" + name + "' is not a name: it goes on after '"
                    + name.substring(0, names.position) + "'");
        }
        List<String> quoted = new ArrayList<>();
        for (String part : parts) {
            if (part.startsWith("\"")) {
                quoted.add(part);
            } else if (part.matches("[a-z_][a-z0-9_$]*")) {
                quoted.add('"' + part + '"');
            } else {
                throw new IllegalArgumentException("'" + name + "' is not a name as PostgreSQL prints one: '" + part
                        + "' would need quotes");
            }
        }
        return String.join(".", quoted);
    }

    /** The name a single part stands for: {@code "Sku"} is {@code Sku}, {@code sku} is {@code sku}. */
    static String unquoted(String part) {
        return part.startsWith("\"") ? part.substring(1, part.length() - 1).replace("\"\"", "\"") : part;
    }

    /** {@code parts} without the last, joined: the table of {@code app.items.id}. */
    static String withoutLast(List<String> parts) {
        return String.join(".", parts.subList(0, parts.size() - 1));
    }

    /**
     * The top-level, comma-separated parts between the first parenthesis of {@code text} and its
     * match, like the column definitions of a {@code CREATE TABLE}. Parentheses and commas inside
     * quotes and nested parentheses (types like {@code numeric(10, 2)}) do not count.
     */
    static List<String> parenthesised(String text) {
        int open = text.indexOf('(');
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = open + 1;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i = text.indexOf(c, i + 1);
                while (i + 1 < text.length() && text.charAt(i + 1) == c) {
                    i = text.indexOf(c, i + 2);
                }
                if (i < 0) {
                    break;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                if (i > start) {
                    items.add(text.substring(start, i).strip());
                }
                return items;
            } else if (c == ',' && depth == 1) {
                items.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses in: " + text);
    }

    private List<String> dotted() {
        List<String> parts = new ArrayList<>();
        parts.add(identifier());
        while (position < text.length() && text.charAt(position) == '.') {
            position++;
            parts.add(identifier());
        }
        return parts;
    }

    private String identifier() {
        int start = position;
        if (position < text.length() && text.charAt(position) == '"') {
            position++;
            while (position < text.length()) {
                if (text.charAt(position) == '"') {
                    if (position + 1 < text.length() && text.charAt(position + 1) == '"') {
                        position += 2;
                        continue;
                    }
                    position++;
                    return text.substring(start, position);
                }
                position++;
            }
            throw new IllegalArgumentException("unterminated quoted name in: " + text);
        }
        while (position < text.length()) {
            char c = text.charAt(position);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
                break;
            }
            position++;
        }
        if (position == start) {
            throw new IllegalArgumentException("no name at position " + start + " of: " + text);
        }
        return text.substring(start, position);
    }
}
