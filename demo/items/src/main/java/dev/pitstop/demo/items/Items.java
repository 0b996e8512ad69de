package dev.pitstop.demo.items;

import dev.pitstop.plugin.BadRequestException;
import dev.pitstop.plugin.Request;
import dev.pitstop.plugin.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The handlers of the items routes. One build of this code serves every version of the plugin,
 * so it names no column but {@code id} and {@code name}: an item is answered with all the columns
 * its row has in the installed schema (1.1.0 adds {@code sku}, 1.2.0-broken {@code price}).
 */
final class Items {

    private final DataSource dataSource;

    Items(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Response create(Request request) throws SQLException {
        String name = name(request.json());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?) RETURNING *")) {
            insert.setString(1, name);
            return Response.created(rows(insert).get(0));
        }
    }

    Response list(Request request) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM items ORDER BY id")) {
            return Response.ok(rows(select));
        }
    }

    Response get(Request request) throws SQLException {
        long id = id(request.pathParam("id"));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM items WHERE id = ?")) {
            select.setLong(1, id);
            List<Map<String, Object>> found = rows(select);
            return found.isEmpty() ? Response.notFound("item " + id + " not found") : Response.ok(found.get(0));
        }
    }

    private static String name(Map<String, Object> body) {
        if (!(body.get("name") instanceof String name) || name.isBlank()) {
            throw new BadRequestException("\"name\" is required: send {\"name\": \"...\"} with a non-blank string");
        }
        return name.strip();
    }

    private static long id(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new BadRequestException("item id must be a number, got '" + id + "'");
        }
    }

    /** Each row as column name → value, in column order; timestamps as ISO-8601 instants. */
    private static List<Map<String, Object>> rows(PreparedStatement statement) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            ResultSetMetaData columns = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns.getColumnCount(); i++) {
                    Object value = result.getObject(i);
                    row.put(columns.getColumnLabel(i), value instanceof Timestamp t ? t.toInstant().toString() : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
