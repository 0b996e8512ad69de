package dev.pitstop.driver.haproxy;

import dev.pitstop.control.StatusPage;
import dev.pitstop.driver.Proxy;
import dev.pitstop.home.HaproxySettings;
import dev.pitstop.procedure.OperationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Steers a running HAProxy through its runtime API, as {@code deploy/haproxy/haproxy.cfg} sets it
 * up. The backend's server slots are pointed at the ready nodes ({@code set server ... addr},
 * {@code state ready}) and the unused slots put in {@code maint}. Maintenance is a switch in a map
 * file that the frontend reads for every request: while it is on, client requests without the
 * bypass header go to a backend without servers, whose 503 errorfile is the status page;
 * {@code Retry-After} comes from the same map. The map file is rewritten as well, so that a reload
 * of HAProxy keeps the switch.
 */
public final class HaproxyProxy implements Proxy {

    static final String MAINTENANCE = "maintenance";
    static final String RETRY_AFTER = "retry-after";
    private static final Pattern ADDRESS_CHANGED = Pattern.compile("^(IP changed|port changed|no need to change).*",
            Pattern.DOTALL);

    private final HaproxySettings settings;
    private final RuntimeApi api;
    private final Path mapFile;
    private final Pattern slotName;

    public HaproxyProxy(HaproxySettings settings) {
        this.settings = settings;
        this.api = new RuntimeApi(Path.of(settings.socket()));
        this.mapFile = Path.of(settings.mapFile());
        this.slotName = Pattern.compile(Pattern.quote(settings.serverPrefix()) + "(\\d+)");
    }

    @Override
    public void route(List<String> nodeUrls) {
        List<String> slots = slots();
        if (nodeUrls.size() > slots.size()) {
            throw OperationException.failed("HAProxy's backend " + settings.backend() + " has " + slots.size()
                    + " server slots named " + settings.serverPrefix() + "N, the cluster " + nodeUrls.size()
                    + " ready nodes; give it more: server-template " + settings.serverPrefix() + " 1-" + nodeUrls.size()
                    + " ... in haproxy.cfg");
        }
        for (int i = 0; i < slots.size(); i++) {
            String server = settings.backend() + "/" + slots.get(i);
            if (i < nodeUrls.size()) {
                URI node = URI.create(nodeUrls.get(i));
                String command = "set server " + server + " addr " + node.getHost() + " port " + node.getPort();
                String answer = api.send(command);
                if (!ADDRESS_CHANGED.matcher(answer).matches()) {
                    throw OperationException.failed("HAProxy refused '" + command + "' on " + api + ": " + answer);
                }
                api.change("set server " + server + " state ready");
            } else {
                api.change("set server " + server + " state maint");
            }
        }
        setSwitch(false, entries().getOrDefault(RETRY_AFTER, "30"));
    }

    /** @throws OperationException (invalid) for a page of its own: HAProxy reads its errorfile only when it starts */
    @Override
    public void showStatusPage(String pageHtml, int retryAfterSeconds, List<String> nodeUrls) {
        if (pageHtml != null && !pageHtml.equals(StatusPage.DEFAULT_HTML)) {
            throw OperationException.invalid("HAProxy answers with the status page of its 503 errorfile, which it "
                    + "reads only when it starts; to show another page, write it into that file as an HTTP response "
                    + "(see deploy/haproxy/pitstop-503.http), reload HAProxy and put the page up without --file");
        }
        setSwitch(true, String.valueOf(retryAfterSeconds));
    }

    /** Retry-After before the switch, so the first client of the page is told the right delay. */
    private void setSwitch(boolean on, String retryAfter) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(RETRY_AFTER, retryAfter);
        wanted.put(MAINTENANCE, on ? "on" : "off");
        writeMapFile(wanted);
        Map<String, String> current = entries();
        wanted.forEach((key, value) -> api.change((current.containsKey(key) ? "set map " : "add map ")
                + mapFile + " " + key + " " + value));
    }

    /** The map as HAProxy holds it: {@code show map} answers lines of {@code <id> <key> <value>}. */
    private Map<String, String> entries() {
        String answer = api.send("show map " + mapFile);
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : answer.split("\n")) {
            String[] fields = line.strip().split("\\s+", 3);
            if (fields.length == 3 && fields[0].startsWith("0x")) {
                entries.put(fields[1], fields[2]);
            } else if (!line.isBlank()) {
                throw OperationException.failed("HAProxy does not know the map " + mapFile + " (" + answer.strip()
                        + "); haproxy.cfg must read the maintenance switch from the file haproxy.map-file names");
            }
        }
        return entries;
    }

    /**
     * The backend's server slots, in the order of their numbers: {@code show servers state} answers
     * a version line, a header and one line per server, whose fourth field is its name.
     */
    private List<String> slots() {
        String answer = api.send("show servers state " + settings.backend());
        List<String> slots = answer.lines().filter(line -> !line.startsWith("#"))
                .map(line -> line.split("\\s+"))
                .filter(fields -> fields.length > 3 && slotName.matcher(fields[3]).matches())
                .map(fields -> fields[3])
                .sorted(Comparator.comparingInt(name -> Integer.parseInt(name.substring(settings.serverPrefix().length()))))
                .toList();
        if (slots.isEmpty()) {
            throw OperationException.failed("HAProxy's backend " + settings.backend() + " has no server slots named "
                    + settings.serverPrefix() + "N (" + answer.lines().findFirst().orElse("no answer") + "); see "
                    + "deploy/haproxy/haproxy.cfg for the server-template it needs");
        }
        return slots;
    }

    private void writeMapFile(Map<String, String> entries) {
        StringBuilder content = new StringBuilder("# Written by Pitstop (traffic: haproxy): the maintenance switch.\n");
        entries.forEach((key, value) -> content.append(key).append(' ').append(value).append('\n'));
        Path temp = mapFile.resolveSibling(mapFile.getFileName() + ".tmp");
        try {
            Files.writeString(temp, content);
            Files.move(temp, mapFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + mapFile + ": " + e.getMessage()
                    + "; Pitstop needs write access to haproxy.map-file", e);
        }
    }

    @Override
    public String toString() {
        return "HAProxy (" + api + ")";
    }
}
