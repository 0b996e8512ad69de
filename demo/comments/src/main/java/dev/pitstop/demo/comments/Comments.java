package dev.pitstop.demo.comments;

import dev.pitstop.plugin.BadRequestException;
import dev.pitstop.plugin.Request;
import dev.pitstop.plugin.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The handlers of the comments routes. Comments are answered with the column names as keys, like items. */
final class Comments {

    private static final String COLUMNS = "id, item_id, text, created_at";

    private final DataSource dataSource;

    Comments(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    Response list(Request request) throws SQLException {
        long itemId = itemId(request);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM items WHERE id = ?");
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM comments WHERE item_id = ? ORDER BY id")) {
            exists.setLong(1, itemId);
            try (ResultSet item = exists.executeQuery()) {
                if (!item.next()) {
                    return itemNotFound(itemId);
                }
            }
            select.setLong(1, itemId);
            List<Map<String, Object>> comments = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    comments.add(comment(result));
                }
            }
            return Response.ok(comments);
        }
    }

    Response create(Request request) throws SQLException {
        long itemId = itemId(request);
        String text = text(request.json());
        // Inserting from the items row makes "no such item" an empty result instead of a foreign key error.
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO comments (item_id, text) SELECT id, ? FROM items WHERE id = ? RETURNING " + COLUMNS)) {
            insert.setString(1, text);
            insert.setLong(2, itemId);
            try (ResultSet result = insert.executeQuery()) {
                return result.next() ? Response.created(comment(result)) : itemNotFound(itemId);
            }
        }
    }

    private static long itemId(Request request) {
        String id = request.pathParam("id");
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new BadRequestException("item id must be a number, got '" + id + "'");
        }
    }

    private static String text(Map<String, Object> body) {
        if (!(body.get("text") instanceof String text) || text.isBlank()) {
            throw new BadRequestException("\"text\" is required: send {\"text\": \"...\"} with a non-blank string");
        }
        return text.strip();
    }

    private static Response itemNotFound(long itemId) {
        return Response.notFound("item " + itemId + " not found");
    }

    private static Map<String, Object> comment(ResultSet row) throws SQLException {
        Map<String, Object> comment = new LinkedHashMap<>();
        comment.put("id", row.getLong("id"));
        comment.put("item_id", row.getLong("item_id"));
        comment.put("text", row.getString("text"));
        comment.put("created_at", row.getTimestamp("created_at").toInstant().toString());
        return comment;
    }
}
