package dev.pitstop.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pitstop.home.KubernetesSettings;
import dev.pitstop.procedure.OperationException;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Service switch against fabric8's mock API server in CRUD mode: the application's Deployment,
 * the status page's Deployment (its status written as a controller would) and the Service as
 * {@code deploy/kubernetes/} makes them; after every call, the Service's selector and annotations.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesServiceTest {

    static {
        // The mock server logs every request through java.util.logging.
        Logger.getLogger("io.fabric8.mockwebserver").setLevel(Level.WARNING);
    }

    private static final String NAMESPACE = "shop";
    private static final String APP = "pitstop-app";
    private static final String PAGE = "pitstop-app-status-page";
    private static final Map<String, String> APP_LABELS = Map.of("app.kubernetes.io/name", APP);
    private static final Map<String, String> PAGE_LABELS = Map.of("app.kubernetes.io/name", PAGE);
    private static final List<String> NODES = List.of("http://10.0.0.7:8080");
    private static final KubernetesSettings SETTINGS = new KubernetesSettings(APP, NAMESPACE, null,
            "registry.example.com/app", null, null,
            new KubernetesSettings.Database("jdbc:postgresql://postgres:5432/app", "app", null), null, null);

    KubernetesClient client;
    private KubernetesService proxy;

    @BeforeEach
    void objects() {
        deployment(APP, APP_LABELS);
        deployment(PAGE, PAGE_LABELS);
        readyPagePods(1);
        client.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
                .withNewMetadata().withName(APP).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withSelector(APP_LABELS).addNewPort().withName("http").withPort(8080).endPort()
                .endSpec().build()).create();
        proxy = new KubernetesService(client, SETTINGS);
    }

    @Test
    void switchesBetweenTheStatusPageAndTheApplication() {
        assertThat(proxy).hasToString("service shop/pitstop-app");

        proxy.showStatusPage("<h1>Back soon</h1>", 120, NODES);
        assertThat(service().getSpec().getSelector()).isEqualTo(PAGE_LABELS);
        assertThat(annotation(KubernetesNodeDriver.ACTION)).isEqualTo("status page (" + PAGE + ")");
        assertThat(annotation(KubernetesNodeDriver.ACTION_AT)).isNotBlank();

        proxy.route(NODES);
        assertThat(service().getSpec().getSelector()).isEqualTo(APP_LABELS);
        assertThat(annotation(KubernetesNodeDriver.ACTION)).isEqualTo("route to " + APP);
        assertThat(annotation(KubernetesNodeDriver.ACTION_AT)).isNotBlank();
    }

    @Test
    void writesNothingWhenTheSelectorIsAlreadyThatOne() {
        proxy.route(NODES);
        assertThat(annotation(KubernetesNodeDriver.ACTION)).as("the Service already selected the application").isNull();

        proxy.showStatusPage(null, 60, List.of());
        Service shown = service();
        proxy.showStatusPage(null, 60, List.of());
        assertThat(service().getMetadata().getResourceVersion()).isEqualTo(shown.getMetadata().getResourceVersion());

        proxy.route(NODES);
        Service routed = service();
        proxy.route(NODES);
        assertThat(service().getMetadata().getResourceVersion()).isEqualTo(routed.getMetadata().getResourceVersion());
        assertThat(service().getMetadata().getAnnotations()).isEqualTo(routed.getMetadata().getAnnotations());
    }

    @Test
    void refusesTheStatusPageWhileNoneOfItsPodsIsReady() {
        readyPagePods(0);
        Service before = service();

        assertThatThrownBy(() -> proxy.showStatusPage(null, 60, NODES))
                .isInstanceOf(OperationException.class)
                .hasMessageContaining("no pod of deployment shop/" + PAGE + " is ready")
                .hasMessageContaining("would reach nothing")
                .hasMessageContaining("kubectl -n shop describe deployment " + PAGE);
        assertThat(service()).isEqualTo(before);
    }

    @Test
    void namesWhatIsMissingAndWhereToSetIt() {
        client.apps().deployments().inNamespace(NAMESPACE).withName(PAGE).delete();
        assertThatThrownBy(() -> proxy.showStatusPage(null, 60, NODES))
                .isInstanceOf(OperationException.class)
                .hasMessageContaining("deployment shop/" + PAGE + " does not exist")
                .hasMessageContaining("kubernetes.status-page");

        client.services().inNamespace(NAMESPACE).withName(APP).delete();
        assertThatThrownBy(() -> proxy.route(NODES))
                .isInstanceOf(OperationException.class)
                .hasMessageContaining("service shop/" + APP + " does not exist; apply deploy/kubernetes/ first")
                .hasMessageContaining("kubernetes.service");
    }

    @Test
    void refusesTheStatusPageWhenTheApplicationsSelectorAlsoMatchesItsPods() {
        client.apps().deployments().inNamespace(NAMESPACE).withName(PAGE).edit(d -> {
            d.getSpec().getTemplate().getMetadata().getLabels().putAll(APP_LABELS);
            return d;
        });
        Service before = service();

        assertThatThrownBy(() -> proxy.showStatusPage(null, 60, NODES))
                .isInstanceOf(OperationException.class)
                .hasMessageContaining("the selector of deployment shop/" + APP)
                .hasMessageContaining("also matches the pods of deployment shop/" + PAGE)
                .hasMessageEndingWith("Nothing was changed");
        assertThat(service()).isEqualTo(before);
    }

    private void deployment(String name, Map<String, String> labels) {
        client.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/app:1.0.0")
                .endContainer().endSpec().endTemplate()
                .endSpec().build()).create();
    }

    /** What the Deployment controller would report: the mock server runs none. */
    private void readyPagePods(int ready) {
        client.apps().deployments().inNamespace(NAMESPACE).withName(PAGE).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder()
                    .withReplicas(1).withReadyReplicas(ready).build());
            return d;
        });
    }

    private Service service() {
        return client.services().inNamespace(NAMESPACE).withName(APP).get();
    }

    private String annotation(String key) {
        Map<String, String> annotations = service().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
