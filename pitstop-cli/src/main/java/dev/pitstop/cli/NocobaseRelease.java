package dev.pitstop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pitstop.procedure.OperationException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Makes a Pitstop release of NocoBase from the npm registry: the project {@code create-nocobase-app}
 * writes, installed with three fixes that let {@code yarn install} work from the registries alone,
 * plus local plugins. The install (about a gigabyte of {@code node_modules}) is kept in a cache by
 * version, and release directories hard-link its packages, so a second release or CI run skips it;
 * what NocoBase writes is each release's own ({@link Holding}).
 */
final class NocobaseRelease {

    /** create-nocobase-app lists it, but it is not on the npm registry; only development needs it. */
    private static final String DEVTOOLS = "@nocobase/devtools";
    /** Without a resolution, a dependency asks for xlsx from the SheetJS CDN, which is not reachable. */
    private static final String XLSX = "0.18.5";
    /** NocoBase's CLI runs {@code yarn} itself (install, upgrade); the release carries its own. */
    private static final String YARN = "1.22.22";
    private static final String COMPLETE = ".pitstop-complete";
    /** Required by the release's install, upgrade and plugin commands (release.json); see the file's comment. */
    private static final String EXIT_CODE = "pitstop-exit-code.js";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path cache;
    private final PrintStream out;

    NocobaseRelease(Path cache, PrintStream out) {
        this.cache = cache;
        this.out = out;
    }

    /** The cache: {@code $PITSTOP_CACHE}, else {@code $XDG_CACHE_HOME/pitstop}, else {@code ~/.cache/pitstop}. */
    static Path defaultCache(java.util.Map<String, String> env) {
        return dev.pitstop.home.UserCache.dir(env);
    }

    /**
     * Writes the release to {@code output}, which must not exist yet.
     *
     * @param releaseVersion the release's own version (the NocoBase version unless a local plugin changes)
     * @param plugins        a directory of local plugins, one package per subdirectory, or null
     */
    void make(String version, String releaseVersion, Path output, Path plugins) {
        if (Files.exists(output)) {
            throw OperationException.invalid("--output " + output + " exists; give a new directory for the release");
        }
        Path installed = installed(version);
        Path app = output.resolve("app");
        out.println("Writing the release to " + output + " (node_modules hard-linked to the cache where it is on the "
                + "same disk, but for the files NocoBase rewrites as it starts; the project's own files copied)");
        try {
            Files.createDirectories(output);
            Tree.place(installed, app, Holding::of);
            withoutClusterSecrets(app.resolve(".env"));
            exitCodes(app.resolve(EXIT_CODE));
            if (plugins != null) {
                addPlugins(plugins, app);
            }
            ObjectNode descriptor = descriptor();
            descriptor.put("version", releaseVersion);
            descriptor.put("nocobase", version);
            JSON.writeValue(output.resolve("release.json").toFile(), descriptor);
        } catch (IOException e) {
            throw OperationException.failed("writing the release to " + output + " failed: " + e.getMessage());
        }
        out.println("Release nocobase " + releaseVersion + " (NocoBase " + version + ") written to " + output);
    }

    /** The installed project of {@code version}, from the cache or installed into it now. */
    private Path installed(String version) {
        Path dir = cache.resolve("nocobase").resolve(version);
        if (Files.exists(dir.resolve(COMPLETE))) {
            out.println("Using NocoBase " + version + " installed in " + dir + " (delete it to install again)");
            return dir.resolve("app");
        }
        Path partial = cache.resolve("nocobase").resolve(version + ".partial");
        try {
            Tree.delete(partial);
            Files.createDirectories(partial);
            out.println("Installing NocoBase " + version + " into " + dir + " (a few minutes; once per version)");
            run(partial, "create the project", "npx", "-y", "create-nocobase-app@" + version, "app", "-d", "postgres");
            Path app = partial.resolve("app");
            fixPackageJson(app.resolve("package.json"));
            out.println("  fix 3: yarn install --ignore-engines: one dependency asks for Node >= 22 but runs on "
                    + "Node 20");
            run(app, "install the dependencies", "npx", "-y", "yarn@" + YARN, "install", "--ignore-engines",
                    "--non-interactive", "--network-timeout", "600000");
            Files.createFile(partial.resolve(COMPLETE));
            Tree.delete(dir);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw OperationException.failed("installing NocoBase " + version + " in " + partial + " failed: "
                    + e.getMessage());
        }
        return dir.resolve("app");
    }

    private void fixPackageJson(Path packageJson) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(packageJson.toFile());
        json.remove("devDependencies");
        out.println("  fix 1: package.json without devDependencies: " + DEVTOOLS + " is not on the npm registry, and "
                + "only development needs it");
        json.with("resolutions").put("xlsx", XLSX);
        out.println("  fix 2: package.json resolves xlsx to " + XLSX + " from the npm registry: otherwise it is "
                + "fetched from the SheetJS CDN, which may not be reachable");
        json.with("dependencies").put("yarn", YARN);
        out.println("  and yarn " + YARN + " as a dependency: NocoBase's CLI runs yarn itself, and a machine may have "
                + "none installed");
        JSON.writeValue(packageJson.toFile(), json);
    }

    /**
     * The session key and the root user's password are the cluster's, not the release's: the descriptor gives
     * them to every node as {@code ${secret.…}} (made once per cluster in its home), so that an upgrade keeps
     * users signed in and no two clusters share the cached project's key or its default password.
     */
    private void withoutClusterSecrets(Path env) throws IOException {
        List<String> lines = Files.readAllLines(env).stream()
                .filter(line -> !line.startsWith("APP_KEY=") && !line.startsWith("INIT_ROOT_PASSWORD=")).toList();
        Files.write(env, lines);
        out.println("  .env without APP_KEY and INIT_ROOT_PASSWORD: each cluster makes its own once (HOME/secrets/"
                + "nocobase-app-key, nocobase-root-password), so that an upgrade keeps users signed in");
    }

    /**
     * NocoBase's install and upgrade log a failure and exit with 0; the upgrade procedure must see it to
     * roll back. The release's commands require this file, which makes them exit with 1 then.
     */
    private void exitCodes(Path file) throws IOException {
        try (InputStream in = NocobaseRelease.class.getResourceAsStream("nocobase/exit-code.js")) {
            Files.copy(in, file);
        }
        out.println("  and " + EXIT_CODE + ", required by the release's install, upgrade and plugin commands: NocoBase's "
                + "CLI logs a failure but exits with 0, and Pitstop's upgrade must see it to roll back, 'pitstop plugin' "
                + "to report it");
    }

    /** Each subdirectory of {@code plugins} is a NocoBase plugin package, made known to the application by name. */
    private void addPlugins(Path plugins, Path app) throws IOException {
        try (Stream<Path> dirs = Files.list(plugins)) {
            for (Path plugin : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path packageJson = plugin.resolve("package.json");
                if (!Files.exists(packageJson)) {
                    throw OperationException.invalid(plugin + " is not a plugin package: it has no package.json");
                }
                String name = JSON.readTree(packageJson.toFile()).path("name").asText("");
                if (name.isEmpty()) {
                    throw OperationException.invalid(packageJson + " has no \"name\"");
                }
                Path target = app.resolve("packages").resolve("plugins").resolve(name);
                Tree.copy(plugin, target);
                Path link = app.resolve("node_modules").resolve(name);
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, link.getParent().relativize(target));
                out.println("  added the local plugin " + name + " from " + plugin);
            }
        }
    }

    private static ObjectNode descriptor() throws IOException {
        try (InputStream in = NocobaseRelease.class.getResourceAsStream("nocobase/release.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private void run(Path dir, String step, String... command) {
        out.println("  " + step + ": " + String.join(" ", command));
        Path log = dir.resolve("pitstop-" + step.replace(' ', '-') + ".log");
        try {
            int exit = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start().waitFor();
            if (exit != 0) {
                List<String> lines = Files.readAllLines(log);
                throw OperationException.failed(step + " failed (" + String.join(" ", command) + " exited with " + exit
                        + "; is the npm registry reachable?); last lines of " + log + ":\n    "
                        + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
            }
        } catch (IOException e) {
            throw OperationException.failed(step + " could not run " + command[0] + " (is Node.js installed?): "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OperationException.failed("interrupted during: " + step);
        }
    }

    /**
     * How a release holds each path of the cached install (relative to its {@code app} directory). NocoBase
     * writes into its project as it runs, and a write to a hard-linked file lands in the cache every release
     * and cluster shares. Read in NocoBase 2.2.15's {@code @nocobase/cli-v1} and {@code @nocobase/server}: every
     * command of its CLI (start, install, upgrade, pm) rewrites {@code tsconfig.paths.json} and
     * {@code node_modules/@nocobase/app/dist/client/index.html} (from {@code index.html.tpl}, which it writes
     * when missing); {@code postinstall} appends to {@code .git/info/exclude}, {@code update-deps} rewrites
     * {@code package.json}, {@code e2e} writes {@code .env.e2e}; without a {@code STORAGE_PATH} its logs, pm2
     * state, plugins and keys go to {@code storage/}. The server otherwise writes under {@code STORAGE_PATH},
     * which a node has outside the release, and makes plugin symbolic links in {@code node_modules}'s
     * directories, which are the release's own. So only {@code node_modules}, the installed packages NocoBase
     * only reads, is linked, but for the two files it rewrites there; the rest, a few hundred kilobytes, is
     * copied; and the install's own logs in {@code storage/logs} are left out.
     */
    enum Holding {
        LINKED, COPIED, LEFT_OUT;

        private static final Path PACKAGES = Path.of("node_modules");
        private static final Path CLIENT = Path.of("node_modules/@nocobase/app/dist/client");
        private static final Set<Path> REWRITTEN = Set.of(CLIENT.resolve("index.html"), CLIENT.resolve("index.html.tpl"));
        private static final Path INSTALL_LOGS = Path.of("storage/logs");

        static Holding of(Path relative) {
            if (relative.startsWith(INSTALL_LOGS)) {
                return LEFT_OUT;
            }
            return relative.startsWith(PACKAGES) && !REWRITTEN.contains(relative) ? LINKED : COPIED;
        }
    }

    /** Directory trees: placed (hard-linked, copied or left out, path by path), deleted; symbolic links stay links. */
    private static final class Tree {

        static void copy(Path from, Path to) throws IOException {
            place(from, to, relative -> Holding.COPIED);
        }

        /** {@code holding} tells for each path relative to {@code from}; a directory left out is left out whole. */
        static void place(Path from, Path to, Function<Path, Holding> holding) throws IOException {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    Path relative = from.relativize(dir);
                    if (holding.apply(relative) == Holding.LEFT_OUT) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(relative.toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Path relative = from.relativize(file);
                    Path target = to.resolve(relative.toString());
                    Holding held = holding.apply(relative);
                    if (held == Holding.LEFT_OUT) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attributes.isSymbolicLink()) {
                        Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                    } else if (held == Holding.LINKED) {
                        try {
                            Files.createLink(target, file);
                        } catch (IOException | UnsupportedOperationException e) {
                            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    } else {
                        Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }

        static void delete(Path dir) throws IOException {
            if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
