package dev.pitstop.console;

import dev.pitstop.control.Role;

/**
 * The console's page frame: one style sheet and one small script, inline, so a page is a single
 * request of a few kilobytes and nothing under {@code /.pitstop/} is served without a session.
 */
final class Html {

    private Html() {
    }

    /** Escapes text for an HTML element or a quoted attribute. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A form that changes something: it posts to {@code action} with the session's CSRF token. */
    static String form(Sessions.Session session, String action, String fields, String button, String buttonClass) {
        return form(session, action, "", fields, button, buttonClass);
    }

    /** A form that uploads a file with its fields, multipart, with the session's CSRF token. */
    static String uploadForm(Sessions.Session session, String action, String fields, String button,
                             String buttonClass) {
        return form(session, action, " enctype=\"multipart/form-data\"", fields, button, buttonClass);
    }

    private static String form(Sessions.Session session, String action, String attributes, String fields,
                               String button, String buttonClass) {
        boolean allowed = session.may(Role.Need.CHANGE);
        return "<form method=\"post\" action=\"" + text(action) + "\"" + attributes + ">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + text(session.csrf()) + "\">" + fields
                + "<button type=\"submit\" class=\"" + text(buttonClass) + "\"" + (allowed ? "" : " disabled title=\""
                + "your token's role (" + session.token().role().label() + ") may not change the cluster\"") + ">"
                + text(button) + "</button></form>";
    }

    /** Stands for the CSRF token in HTML rendered once for every session: the live fragment's forms. */
    private static final String CSRF_PLACEHOLDER = "{{csrf}}";

    /** A form of the live fragment, whose CSRF token each session's copy gets from {@link #withCsrf}. */
    static String liveForm(String action, String fields, String button, String buttonClass) {
        return "<form method=\"post\" action=\"" + text(action) + "\"><input type=\"hidden\" name=\"csrf\" value=\""
                + CSRF_PLACEHOLDER + "\">" + fields + "<button type=\"submit\" class=\"" + text(buttonClass) + "\">"
                + text(button) + "</button></form>";
    }

    /** The session's copy of HTML with live forms; the token is URL-safe Base64, which needs no escaping. */
    static String withCsrf(String html, String csrf) {
        return html.replace(CSRF_PLACEHOLDER, csrf);
    }

    /** A whole page: navigation, the user, a banner for the outcome of the last change, and {@code body}. */
    static String page(String title, Sessions.Session session, Banner banner, String body) {
        StringBuilder nav = new StringBuilder();
        for (String[] link : new String[][]{{"", "Overview"}, {"upgrade", "Upgrade"}, {"backups", "Backups"},
                {"plugins", "Plugins"}, {"maintenance", "Maintenance"}, {"migration", "Migration"},
                {"history", "History"}}) {
            nav.append("<a href=\"/.pitstop/").append(link[0]).append("\"")
                    .append(link[1].equals(title) ? " aria-current=\"page\"" : "").append(">").append(link[1]).append("</a>");
        }
        String user = session == null ? "" : "<div class=\"user\"><span id=\"user\">" + text(session.token().name())
                + " (" + session.token().role().label() + ")</span>"
                + "<form method=\"post\" action=\"/.pitstop/logout\"><input type=\"hidden\" name=\"csrf\" value=\""
                + text(session.csrf()) + "\"><button type=\"submit\" id=\"logout\">Log out</button></form></div>";
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Pitstop · " + text(title) + "</title><style>" + STYLE + "</style></head><body>"
                + "<a class=\"skip\" href=\"#main\">Skip to the page</a>"
                + "<header><strong class=\"brand\">Pitstop</strong>" + (session == null ? "" : "<nav>" + nav + "</nav>")
                + user + "</header><main id=\"main\" tabindex=\"-1\"><h1>" + text(title) + "</h1>" + (banner == null ? "" : banner.html())
                + body + "</main>" + (session == null ? "" : "<script>" + SCRIPT + "</script>") + "</body></html>";
    }

    /** The outcome of a change, shown once on the next page: the CLI's own message. */
    record Banner(boolean error, String message) {

        static Banner error(String message) {
            return new Banner(true, message);
        }

        static Banner notice(String message) {
            return new Banner(false, message);
        }

        String html() {
            return "<p id=\"banner\" role=\"" + (error ? "alert" : "status") + "\" class=\"banner "
                    + (error ? "error" : "notice") + "\">" + text(message) + "</p>";
        }
    }

    private static final String STYLE = """
            *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1d2433;background:#f5f6f8}\
            header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.6rem 1rem;background:#1d2433;color:#fff}\
            header a{color:#cfd6e4;text-decoration:none;padding:.2rem .4rem;border-radius:4px}\
            header a[aria-current],header a:hover,header a:focus{background:#3a4560;color:#fff}\
            nav{display:flex;flex-wrap:wrap;gap:.3rem}.brand{font-size:1.1rem}.user{margin-left:auto;display:flex;gap:.5rem;align-items:center}\
            main{max-width:1100px;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.2rem 0 1rem}\
            h2{font-size:1.1rem;margin:1.2rem 0 .5rem}table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1rem}\
            th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6ec;vertical-align:top}\
            .banner{padding:.6rem .8rem;border-radius:4px}.error{background:#fde2e1;color:#8a1c17}.notice{background:#e1f3e6;color:#17602d}\
            form{display:inline-flex;gap:.4rem;align-items:center;flex-wrap:wrap;margin:.2rem 0}\
            input,select,button{font:inherit;padding:.3rem .6rem}button{cursor:pointer;border:1px solid #8a94a8;border-radius:4px;background:#fff}\
            button.primary{background:#2456c7;color:#fff;border-color:#2456c7}button.danger{background:#b42318;color:#fff;border-color:#b42318}\
            button:disabled{opacity:.45;cursor:not-allowed}:focus-visible{outline:3px solid #f5b400;outline-offset:1px}\
            .state-done,.state-ready,.state-succeeded{color:#17602d}.state-running,.state-starting,.state-installing,\
            .state-upgrading,.state-rolling-back{color:#2456c7;font-weight:600}.state-failed,.state-rolled-back{color:#b42318}\
            .state-paused,.state-interrupted{color:#8a5a00}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\
            dt{color:#5b6477}dd{margin:0}svg{background:#fff;max-width:100%}\
            .skip{position:absolute;left:-999px;top:0;background:#fff;color:#1d2433;padding:.4rem .8rem;z-index:1}\
            .skip:focus{left:.5rem}textarea,input,select{max-width:100%}code{overflow-wrap:anywhere}\
            @media (max-width:600px){table{display:block;overflow-x:auto}.user{margin-left:0}main{padding:.6rem}\
            form{display:flex}header{gap:.5rem}}""";

    /** Live parts of a page follow the server's events; nothing polls. */
    private static final String SCRIPT = """
            (function(){var live=document.getElementById('live');if(!live||!window.EventSource)return;\
            var source=new EventSource('/.pitstop/events');source.addEventListener('live',function(e){live.innerHTML=e.data;});\
            source.addEventListener('logout',function(){source.close();location.href='/.pitstop/login';});})();""";
}
