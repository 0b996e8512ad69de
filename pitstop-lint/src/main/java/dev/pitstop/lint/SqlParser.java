package dev.pitstop.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own parser, libpg_query (compiled to WebAssembly, npm package {@code libpg-query}),
 * run by Node.js from the directory {@code pitstop-lint/parser}: one process parses every text
 * given at once. The parse tree is libpg_query's JSON, node names as in PostgreSQL's
 * {@code parsenodes.h}. No Java binding of libpg_query is published, and the Java SQL parsers
 * (JSqlParser) reject {@code CREATE INDEX CONCURRENTLY} and {@code NOT VALID}, the very statements
 * online migrations are made of.
 */
public final class SqlParser {

    /** Where the parser is: a directory with {@code parse.cjs} and its {@code node_modules}. */
    public static final String LOCATION_PROPERTY = "pitstop.sql-parser";
    public static final String LOCATION_ENV = "PITSTOP_SQL_PARSER";
    private static final String REPO_PROPERTY = "pitstop.repo";
    private static final long TIMEOUT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public SqlParser(Path dir) {
        this.dir = dir;
    }

    /**
     * The parser this process is configured with: {@value #LOCATION_PROPERTY} or
     * {@value #LOCATION_ENV}, else {@code pitstop-lint/parser} of the checkout bin/pitstop runs from.
     */
    public static SqlParser located() {
        String configured = System.getProperty(LOCATION_PROPERTY, System.getenv(LOCATION_ENV));
        if (configured != null) {
            return new SqlParser(Path.of(configured));
        }
        String repo = System.getProperty(REPO_PROPERTY);
        return new SqlParser(repo == null ? Path.of("pitstop-lint", "parser") : Path.of(repo, "pitstop-lint", "parser"));
    }

    /** One statement as PostgreSQL parsed it: its text and its tree ({@code {"AlterTableStmt": ...}}). */
    public record Statement(String sql, JsonNode tree) {

        /** The node's type, e.g. {@code AlterTableStmt}. */
        public String type() {
            return tree.fieldNames().next();
        }

        public JsonNode body() {
            return tree.path(type());
        }
    }

    /** What the parser made of one text: its statements, or why it could not parse it. */
    public record Parsed(List<Statement> statements, String error) {

        public boolean parsed() {
            return error == null;
        }
    }

    /**
     * Parses each text.
     *
     * @throws ParserUnavailableException when Node.js or the parser cannot be run
     */
    public List<Parsed> parse(List<String> texts) {
        Path script = dir.resolve("parse.cjs").toAbsolutePath();
        if (!Files.isRegularFile(script) || !Files.isDirectory(dir.resolve("node_modules/libpg-query"))) {
            throw new ParserUnavailableException("PostgreSQL's parser is not installed in " + dir.toAbsolutePath()
                    + ": run 'npm ci --prefix " + dir.toAbsolutePath() + "' (Node.js 18 or later), or point "
                    + LOCATION_ENV + " at a directory where it is installed");
        }
        JsonNode results;
        try {
            Process process = new ProcessBuilder("node", script.toString()).redirectErrorStream(false).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(JSON.writeValueAsBytes(texts));
            }
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new ParserUnavailableException("PostgreSQL's parser (node " + script + ") failed: " + err.strip());
            }
            results = JSON.readTree(out);
        } catch (IOException e) {
            throw new ParserUnavailableException("cannot run PostgreSQL's parser with Node.js ('node " + script
                    + "'): " + e.getMessage() + "; install Node.js 18 or later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ParserUnavailableException("interrupted while parsing SQL");
        }
        List<Parsed> parsed = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            parsed.add(read(texts.get(i), results.get(i)));
        }
        return parsed;
    }

    private static Parsed read(String text, JsonNode result) {
        if (result.has("error")) {
            JsonNode position = result.path("position");
            return new Parsed(List.of(), result.path("error").asText()
                    + (position.isNumber() ? " at character " + position.asInt() : ""));
        }
        // Locations are byte offsets into the UTF-8 text; a missing length means "to the end".
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Statement> statements = new ArrayList<>();
        for (JsonNode raw : result.path("tree").path("stmts")) {
            int from = raw.path("stmt_location").asInt(0);
            int length = raw.path("stmt_len").asInt(0);
            int to = length == 0 ? bytes.length : from + length;
            // A statement's text starts after the previous one's semicolon: comments before it are not its own.
            String sql = new String(Arrays.copyOfRange(bytes, from, to), StandardCharsets.UTF_8)
                    .replaceFirst("^(\\s*--[^\n]*\n)*", "").strip();
            statements.add(new Statement(sql, raw.path("stmt")));
        }
        return new Parsed(statements, null);
    }
}
