package dev.pitstop.control;

/** The HTML answered with 503 while the cluster is in maintenance, unless the operator gave their own. */
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

    private StatusPage() {
    }

    public static String html(ClusterMode mode) {
        return mode.pageHtml() == null ? DEFAULT_HTML : mode.pageHtml();
    }
}
