package dev.pitstop.console;

import dev.pitstop.control.ApiTokens;
import dev.pitstop.control.Role;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.server.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console, mounted by the gateway at {@code /.pitstop/}. Every page and action needs a
 * session opened by logging in with an API token; every change needs the session's CSRF token and
 * a token role that may change the cluster. Changes go through the same procedures, admin API,
 * policy, journal and audit log as the CLI's; this class only routes, authenticates and renders.
 * It answers every request under its path, known or not, so nothing there reaches a node.
 */
public final class Console extends Handler.Abstract implements Graceful {

    private static final Logger log = LoggerFactory.getLogger(Console.class);

    /** What a route does, for a user with a live session. */
    interface Action {
        void handle(Exchange exchange, Sessions.Session session) throws Exception;
    }

    /** A page or action: method and path under the console, and what the user's token must allow. */
    record Route(String method, String path, Role.Need need, Action action) {
    }

    /** How often ended sessions' uploads and leftovers are looked for. */
    private static final Duration SWEEP = Duration.ofMinutes(1);

    private final ConsoleCluster cluster;
    private final Sessions sessions = new Sessions(Clock.systemUTC(), this::sessionEnded);
    private final Uploads uploads;
    private ScheduledExecutorService sweeper;
    private final LoginThrottle throttle = new LoginThrottle(Clock.systemUTC());
    private final Map<String, Html.Banner> banners = new ConcurrentHashMap<>();
    private final Jobs jobs;
    private final LiveEvents events;
    private final Pages pages;
    private final Actions actions;
    private final MigrationPage migration;
    private final Map<String, Route> routes;
    private volatile boolean shutdown;

    public Console(ConsoleCluster cluster) {
        super(InvocationType.BLOCKING);
        this.cluster = cluster;
        this.uploads = new Uploads(cluster.uploadsDir(), Clock.systemUTC(), Uploads.namedByJournal(cluster.controlDb()));
        this.jobs = new Jobs(this::jobChanged);
        LiveFragment fragment = new LiveFragment(cluster, jobs);
        this.events = new LiveEvents(cluster.db(), fragment);
        this.pages = new Pages(cluster, fragment);
        this.actions = new Actions(cluster, jobs, banners);
        this.migration = new MigrationPage(cluster, actions);
        addBean(events);
        this.routes = table(List.of(
                new Route("GET", "/", Role.Need.READ, (x, s) -> pages.overview(x, s, banner(s))),
                new Route("GET", "/events", Role.Need.READ, this::events),
                new Route("GET", "/upgrade", Role.Need.READ, (x, s) -> pages.upgrade(x, s, banner(s))),
                new Route("POST", "/upgrade", Role.Need.CHANGE, actions::upgrade),
                new Route("POST", "/procedure/resume", Role.Need.CHANGE, actions::resume),
                new Route("POST", "/procedure/rollback", Role.Need.CHANGE, actions::rollback),
                new Route("GET", "/backups", Role.Need.READ, (x, s) -> pages.backups(x, s, banner(s))),
                new Route("POST", "/backups", Role.Need.CHANGE, actions::createBackup),
                // A backup holds all the application's data: reading it out is for those who may change it.
                new Route("GET", "/backups/download", Role.Need.CHANGE, actions::downloadBackup),
                new Route("POST", "/backups/verify", Role.Need.CHANGE, actions::verifyBackup),
                new Route("POST", "/backups/restore", Role.Need.CHANGE, actions::restoreBackup),
                new Route("GET", "/plugins", Role.Need.READ, (x, s) -> pages.plugins(x, s, banner(s))),
                new Route("POST", "/plugins/enable", Role.Need.CHANGE, actions::enablePlugin),
                new Route("POST", "/plugins/disable", Role.Need.CHANGE, actions::disablePlugin),
                new Route("POST", "/plugins/add", Role.Need.CHANGE, actions::addPlugin),
                new Route("POST", "/plugins/upgrade", Role.Need.CHANGE, actions::upgradePlugin),
                new Route("POST", "/plugins/remove", Role.Need.CHANGE, actions::removePlugin),
                new Route("GET", "/maintenance", Role.Need.READ, (x, s) -> pages.maintenance(x, s, banner(s))),
                new Route("POST", "/maintenance/window/begin", Role.Need.CHANGE, actions::beginWindow),
                new Route("POST", "/maintenance/window/end", Role.Need.CHANGE, actions::endWindow),
                new Route("POST", "/maintenance/page/on", Role.Need.CHANGE, actions::pageOn),
                new Route("POST", "/maintenance/page/off", Role.Need.CHANGE, actions::pageOff),
                new Route("GET", "/migration", Role.Need.READ, (x, s) -> migration.page(x, s, banner(s))),
                new Route("POST", "/migration/check", Role.Need.CHANGE, migration::check),
                new Route("POST", "/migration/apply", Role.Need.CHANGE, migration::apply),
                new Route("GET", "/history", Role.Need.READ, (x, s) -> pages.history(x, s, banner(s))),
                new Route("POST", "/logout", Role.Need.READ, this::logout)));
    }

    private static Map<String, Route> table(List<Route> list) {
        Map<String, Route> table = new ConcurrentHashMap<>();
        for (Route route : list) {
            if (table.put(route.method() + " " + route.path(), route) != null) {
                throw new IllegalStateException("two console routes for " + route.method() + " " + route.path());
            }
        }
        return Map.copyOf(table);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback, cluster.uploadsDir());
        try {
            route(exchange);
        } catch (RuntimeException e) {
            // The message may hold SQL or paths: the log has it, the browser gets a sentence.
            log.warn("Console request {} {} failed", exchange.method(), exchange.path(), e);
            exchange.send(500, "text/plain; charset=utf-8", "The console could not answer; the gateway's log says why.");
        } finally {
            exchange.releaseUploads();
        }
        return true;
    }

    private void route(Exchange exchange) {
        String method = exchange.method();
        String path = exchange.path();
        if (path.equals("/login")) {
            if (method.equals("POST")) {
                login(exchange);
            } else {
                exchange.html(200, Html.page("Log in", null, null, Pages.LOGIN_FORM));
            }
            return;
        }
        Optional<Sessions.Session> found = sessions.find(exchange.cookie(Sessions.COOKIE));
        if (found.isEmpty()) {
            if (method.equals("GET") && !path.equals("/events")) {
                exchange.redirect("/.pitstop/login");
            } else {
                exchange.send(401, "text/plain; charset=utf-8", "Log in to the console first: /.pitstop/login");
            }
            return;
        }
        Sessions.Session session = found.get();
        Route route = routes.get(method + " " + path);
        if (route == null) {
            exchange.html(404, Html.page("Not found", session, Html.Banner.error("The console has no page "
                    + method + " /.pitstop" + path), ""));
            return;
        }
        // The role first: a viewer's upload is refused before it is read.
        if (!session.may(route.need())) {
            exchange.html(403, Html.page("Refused", session, Html.Banner.error("Refused: the token "
                    + session.token().name() + " has the role " + session.token().role().label() + ", which may not "
                    + "change the cluster. Nothing was changed."), ""));
            return;
        }
        String csrf;
        try {
            csrf = method.equals("GET") ? null : exchange.field("csrf");
        } catch (OperationException e) {
            exchange.send(400, "text/plain; charset=utf-8", e.getMessage() + ". Nothing was changed.");
            return;
        }
        if (!method.equals("GET") && !session.csrfMatches(csrf)) {
            exchange.send(403, "text/plain; charset=utf-8", "Refused: the form's CSRF token is missing or wrong; "
                    + "reload the page and try again. Nothing was changed.");
            return;
        }
        try {
            route.action().handle(exchange, session);
        } catch (OperationException e) {
            // The CLI's own message, on the page the change came from.
            banners.put(session.id(), Html.Banner.error(e.getMessage()));
            exchange.redirect(back(path));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The page an action was posted from: its path up to the second segment. */
    private static String back(String path) {
        int second = path.indexOf('/', 1);
        return "/.pitstop" + (second < 0 ? path : path.substring(0, second));
    }

    private void login(Exchange exchange) {
        String address = exchange.remoteAddress();
        Optional<Duration> wait = throttle.wait(address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, wait.get().toSeconds());
            exchange.header("Retry-After", String.valueOf(seconds));
            exchange.html(429, Html.page("Log in", null, Html.Banner.error("Refused: " + LoginThrottle.LIMIT
                    + " failed logins from " + address + " within " + LoginThrottle.WINDOW.toMinutes() + " minutes; "
                    + "try again in " + seconds + " s."), Pages.LOGIN_FORM));
            return;
        }
        String value = exchange.field("token");
        Optional<ApiTokens.ApiToken> token = new ApiTokens(cluster.controlDb()).authenticate(value == null ? null
                : value.strip());
        if (token.isEmpty()) {
            throttle.failed(address);
            exchange.html(401, Html.page("Log in", null, Html.Banner.error("No API token has this value; use the "
                    + "admin token (HOME/admin.token) or a named token from 'pitstop token create'."), Pages.LOGIN_FORM));
            return;
        }
        throttle.succeeded(address);
        Sessions.Session session = sessions.open(token.get(), value.strip());
        exchange.setCookie(Sessions.cookie(session.id(), exchange.secure(), Sessions.LIFETIME));
        exchange.redirect("/.pitstop/");
    }

    private void logout(Exchange exchange, Sessions.Session session) {
        sessions.close(session);
        exchange.setCookie(Sessions.cookie("", exchange.secure(), Duration.ZERO));
        exchange.redirect("/.pitstop/login");
    }

    private void events(Exchange exchange, Sessions.Session session) {
        OutputStream out = exchange.stream("text/event-stream; charset=utf-8", null);
        try {
            events.stream(out, session.csrf(), () -> !shutdown && sessions.find(session.id()).isPresent());
            out.close();
            exchange.done();
        } catch (IOException e) {
            exchange.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.failed(new IOException("interrupted", e));
        }
    }

    /** The banner waiting for this session, once. */
    private Html.Banner banner(Sessions.Session session) {
        return banners.remove(session.id());
    }

    private void jobChanged() {
        events.changed();
    }

    /** At logout or expiry: what the session kept goes with it, its checked migration file first. */
    private void sessionEnded(Sessions.Session session) {
        banners.remove(session.id());
        try {
            migration.forget(session);
        } catch (IOException e) {
            log.warn("Cannot remove the migration file checked in an ended console session; remove it from {} by hand",
                    cluster.uploadsDir(), e);
        }
    }

    /** Uploads left by a gateway that stopped with sessions open go at start; sessions' ends are found every minute. */
    @Override
    protected void doStart() throws Exception {
        super.doStart();
        sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 0, SWEEP.toSeconds(), TimeUnit.SECONDS);
    }

    private void sweep() {
        try {
            sessions.expire();
            uploads.removeLeftovers();
        } catch (RuntimeException e) {
            // The next sweep tries again; the console serves meanwhile.
            log.warn("The console could not clean its uploads in {}", cluster.uploadsDir(), e);
        }
    }

    @Override
    protected void doStop() throws Exception {
        sweeper.shutdownNow();
        jobs.close();
        super.doStop();
    }

    /** Ends the event streams at once, so that a graceful stop does not wait for browsers. */
    @Override
    public CompletableFuture<Void> shutdown() {
        shutdown = true;
        events.endStreams();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }
}
