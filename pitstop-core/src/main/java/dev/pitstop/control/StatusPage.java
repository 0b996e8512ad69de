package dev.pitstop.control;

/**
 * The HTML answered with 503 while the cluster is in maintenance, unless the operator gave their
 * own, and its "temporarily unavailable" variant for when no node is ready outside maintenance.
 */
public final class StatusPage {

    public static final String DEFAULT_HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Down for maintenance</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36em;margin:15vh auto;padding:0 1em;color:#222}</style>
            </head>
            <body>
            <h1>Down for maintenance</h1>
            <p>We are updating this service and will be back shortly. Your data is safe.</p>
            <p>Please try again in a few minutes.</p>
            </body>
            </html>
            """;

    /**
     * The variant answered while no node can serve outside maintenance (the database is away, every
     * node crashed): nobody planned it, so it promises no schedule, only that the service recovers by itself.
     */
    public static final String UNAVAILABLE_HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Temporarily unavailable</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36em;margin:15vh auto;padding:0 1em;color:#222}</style>
            </head>
            <body>
            <h1>Temporarily unavailable</h1>
            <p>This service cannot answer right now and is recovering by itself.</p>
            <p>Please try again in a moment.</p>
            </body>
            </html>
            """;

    private static final String DEFAULT_TEXT = """
            <p>We are updating this service and will be back shortly. Your data is safe.</p>
            <p>Please try again in a few minutes.</p>
            """;

    private StatusPage() {
    }

    /**
     * The default page with {@code text} instead of its paragraphs: plain text, a paragraph per line,
     * escaped, so that an operator's words cannot break the page or run script in clients' browsers.
     */
    public static String withText(String text) {
        StringBuilder paragraphs = new StringBuilder();
        text.strip().lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(line -> paragraphs
                .append("<p>").append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
                .append("</p>\n"));
        return DEFAULT_HTML.replace(DEFAULT_TEXT, paragraphs.toString());
    }

    public static String html(ClusterMode mode) {
        return mode.pageHtml() == null ? DEFAULT_HTML : mode.pageHtml();
    }
}
