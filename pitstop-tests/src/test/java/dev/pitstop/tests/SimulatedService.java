package dev.pitstop.tests;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ServiceResource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Plays kube-proxy for one Service of the mock API server: a local port whose requests go, in
 * turn, to the endpoints of the pods the Service's selector matches now, re-read every 100 ms. A
 * Service without endpoints answers 503 with no status page, which a polling client counts as an
 * outage: what a real one would show as a refused connection.
 */
final class SimulatedService implements AutoCloseable {

    private final ServiceResource<Service> service;
    private final Function<Map<String, String>, List<String>> endpointsOf;
    private final AtomicInteger next = new AtomicInteger();
    private final Server server = new Server();
    private final Thread thread;
    private volatile List<String> endpoints = List.of();
    private volatile boolean running = true;

    /** @param endpointsOf the URLs of the ready pods a selector matches */
    private SimulatedService(ServiceResource<Service> service, Function<Map<String, String>, List<String>> endpointsOf) {
        this.service = service;
        this.endpointsOf = endpointsOf;
        this.thread = new Thread(this::run, "simulated-kube-proxy");
    }

    static SimulatedService start(KubernetesClient client, String namespace, String name,
                                  Function<Map<String, String>, List<String>> endpointsOf) throws Exception {
        SimulatedService simulated = new SimulatedService(client.services().inNamespace(namespace).withName(name),
                endpointsOf);
        ServerConnector connector = new ServerConnector(simulated.server);
        connector.setHost("127.0.0.1");
        simulated.server.addConnector(connector);
        simulated.server.setHandler(new ProxyHandler.Reverse(simulated::target) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (simulated.endpoints.isEmpty()) {
                    Response.writeError(request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                            "service " + name + " has no endpoints");
                    return true;
                }
                return super.handle(request, response, callback);
            }
        });
        simulated.server.start();
        simulated.thread.start();
        return simulated;
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private HttpURI target(Request request) {
        List<String> current = endpoints;
        String endpoint = current.get(Math.floorMod(next.getAndIncrement(), current.size()));
        HttpURI uri = request.getHttpURI();
        return HttpURI.build(endpoint + uri.getPathQuery());
    }

    private void run() {
        while (running) {
            try {
                endpoints = endpointsOf.apply(service.get().getSpec().getSelector());
                Thread.sleep(100);
            } catch (KubernetesClientException e) {
                // the mock server is closing; the next round ends the loop
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.interrupt();
        thread.join();
        server.stop();
    }
}
