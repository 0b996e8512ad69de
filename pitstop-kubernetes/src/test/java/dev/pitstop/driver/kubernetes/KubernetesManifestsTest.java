package dev.pitstop.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pitstop.home.ClusterConfig;
import dev.pitstop.home.Home;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests of {@code deploy/kubernetes/} against the Kubernetes API's types, as fabric8's
 * models (generated from the API's OpenAPI schema) read them: every object of a known kind, every
 * field one its type has, every value of the field's type. No Kubernetes cluster runs here, so this
 * is what is checked of them; the pitstop.yml they carry is read by Pitstop's own configuration reader.
 */
class KubernetesManifestsTest {

    private static final Path DEPLOY = Path.of("../deploy/kubernetes").toAbsolutePath().normalize();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NOCOBASE_RELEASE =
            Path.of("../pitstop-cli/src/main/resources/dev/pitstop/cli/nocobase/release.json");
    private static final Pattern SECRET = Pattern.compile("\\$\\{secret\\.([a-z0-9-]+)}");

    static Stream<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void everyObjectIsOfAKnownKindWithOnlyTheFieldsItsTypeHas(Path manifest) throws Exception {
        List<HasMetadata> objects = objects(manifest);
        assertThat(objects).as(manifest.toString()).isNotEmpty();
        for (HasMetadata object : objects) {
            String where = DEPLOY.relativize(manifest) + ": " + object.getKind() + " "
                    + (object.getMetadata().getName() != null ? object.getMetadata().getName()
                    : object.getMetadata().getGenerateName());
            assertThat(object).as(where + " is not a kind the Kubernetes API has").isNotInstanceOf(
                    GenericKubernetesResource.class);
            List<String> unknown = new ArrayList<>();
            unknownFields(object, object.getKind(), unknown);
            assertThat(unknown).as(where + ": fields its type does not have").isEmpty();
        }
    }

    /**
     * NocoBase's Deployment runs the official image of the version the driver sets, with the health
     * check as probes; its Service reaches the pods' port; its pitstop.yml is one the CLI accepts.
     */
    @Test
    void nocobaseRunsTheOfficialImageBehindItsServiceAsPitstopYmlSays(@TempDir Path home) throws Exception {
        List<HasMetadata> objects = new ArrayList<>(objects(DEPLOY.resolve("nocobase/app.yaml")));
        objects.addAll(objects(DEPLOY.resolve("nocobase/pitstop-cli.yaml")));
        Deployment deployment = only(objects, Deployment.class);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Path pitstopYml = Files.writeString(home.resolve("pitstop.yml"),
                only(objects, ConfigMap.class).getData().get("pitstop.yml"));
        ClusterConfig config = ClusterConfig.load(new Home(home), pitstopYml, Map.of());

        assertThat(config.nodes()).isEqualTo(ClusterConfig.NODES_KUBERNETES);
        assertThat(config.kubernetes().deployment()).isEqualTo(deployment.getMetadata().getName());
        assertThat(container.getImage()).startsWith(config.kubernetes().image() + ":")
                .startsWith("nocobase/nocobase:");
        assertThat(deployment.getMetadata().getAnnotations()).containsKey(KubernetesNodeDriver.REPLICAS);
        assertThat(List.of(container.getReadinessProbe(), container.getStartupProbe(), container.getLivenessProbe()))
                .allSatisfy(probe -> assertThat(probe.getHttpGet().getPath()).isEqualTo("/api/__health_check"));
        Service service = only(objects, Service.class);
        assertThat(service.getSpec().getSelector())
                .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(container.getPorts()).anySatisfy(port -> assertThat(port.getName())
                .isEqualTo(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()));
        assertThat(config.kubernetes().url()).endsWith(":" + service.getSpec().getPorts().get(0).getPort());
    }

    /**
     * The secrets NocoBase's release names as {@code ${secret.NAME}} (the key its sessions are signed
     * with, the root password its verification signs in with) come from one Secret to both sides: the
     * pods as env, the CLI's Job and the console's pods as {@code HOME/secrets/NAME}, where pitstop reads them.
     */
    @Test
    void nocobasePodsTheJobAndTheConsoleTakeTheReleasesSecretsFromOneSecret() throws Exception {
        JsonNode release = JSON.readTree(NOCOBASE_RELEASE.toFile());
        Deployment deployment = only(objects(DEPLOY.resolve("nocobase/app.yaml")), Deployment.class);
        Map<String, EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        Set<String> secretNames = new HashSet<>();
        for (String variable : List.of("APP_KEY", "INIT_ROOT_PASSWORD")) {
            Matcher secret = SECRET.matcher(release.path("node").path("environment").path(variable).asText());
            assertThat(secret.matches()).as(variable + " in release.json is a cluster secret").isTrue();
            SecretKeySelector ref = env.get(variable).getValueFrom().getSecretKeyRef();
            assertThat(ref.getKey()).as(variable + " of the pods").isEqualTo(secret.group(1));
            secretNames.add(ref.getName());
        }
        assertThat(env.get("INIT_ROOT_USERNAME").getValue())
                .isEqualTo(release.path("checks").get(0).path("body").path("account").asText());
        assertThat(secretNames).hasSize(1);

        PodSpec job = only(objects(DEPLOY.resolve("pitstop-job.yaml")), Job.class).getSpec().getTemplate().getSpec();
        copiesEverySecretToTheHome(job, secretNames, "the CLI's Job");
        PodSpec console = only(objects(DEPLOY.resolve("status-page.yaml")), Deployment.class).getSpec().getTemplate()
                .getSpec();
        copiesEverySecretToTheHome(console, secretNames, "the console's pods (pitstop gateway)");
    }

    /** The pod's init container copies every key of the Secret, 0600, to where its pitstop reads HOME/secrets. */
    private static void copiesEverySecretToTheHome(PodSpec pod, Set<String> secretNames, String what) {
        Volume all = pod.getVolumes().stream().filter(v -> v.getSecret() != null
                && secretNames.contains(v.getSecret().getSecretName())).findFirst().orElseThrow(
                        () -> new AssertionError(what + " mount no volume of the Secret " + secretNames));
        assertThat(all.getSecret().getItems()).as(what + ": every key of the Secret").isNullOrEmpty();
        Container cli = pod.getContainers().get(0);
        Path home = Path.of(cli.getArgs().get(cli.getArgs().indexOf("--home") + 1));
        String copies = cli.getVolumeMounts().stream()
                .filter(m -> Path.of(m.getMountPath()).equals(new Home(home).secretsDir()))
                .map(VolumeMount::getName).findFirst().orElseThrow(
                        () -> new AssertionError(what + " mount nothing at " + new Home(home).secretsDir()));
        Container init = pod.getInitContainers().get(0);
        String from = mountPath(init, all.getName());
        String to = mountPath(init, copies);
        assertThat(String.join(" ", init.getCommand())).as(what).contains(from + "/*")
                .contains("install -m 600 \"$f\" " + to);
    }

    private static String mountPath(Container container, String volume) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume))
                .map(VolumeMount::getMountPath).findFirst().orElseThrow();
    }

    private static List<HasMetadata> objects(Path manifest) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (var documents = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(manifest.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    objects.add(KUBERNETES.unmarshal(JSON.writeValueAsString(document)));
                }
            }
        }
        return objects;
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("objects of kind " + type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    /**
     * The fields the models kept aside as unknown to their type ({@code additionalProperties}), by
     * path, through every nested model object, list and map.
     */
    private static void unknownFields(Object value, String path, List<String> unknown) throws Exception {
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            for (Map.Entry<?, ?> entry : entries.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown);
            }
            return;
        }
        if (value == null || !value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (InvocationTargetException e) {
                continue; // a derived getter that does not apply to this value
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) field).keySet().forEach(name -> unknown.add(path + "." + name));
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3, 4).toLowerCase()
                        + getter.getName().substring(4), unknown);
            }
        }
    }
}
