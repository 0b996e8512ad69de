package dev.pitstop.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.pitstop.plugin.BadRequestException;
import dev.pitstop.plugin.Request;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.util.Fields;

/** A Jetty request as plugins see it; its body is read up to the node's limit, never further. */
final class PluginRequest implements Request {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final org.eclipse.jetty.server.Request request;
    private final String path;
    private final Map<String, String> pathParams;
    private final long maxBodyBytes;
    private Fields query;

    PluginRequest(org.eclipse.jetty.server.Request request, String path, Map<String, String> pathParams,
                  long maxBodyBytes) {
        this.request = request;
        this.path = path;
        this.pathParams = pathParams;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    @Override
    public String queryParam(String name) {
        if (query == null) {
            query = org.eclipse.jetty.server.Request.extractQueryParameters(request);
        }
        return query.getValue(name);
    }

    @Override
    public Map<String, Object> json() {
        String body = new String(Json.readAtMost(request, maxBodyBytes), StandardCharsets.UTF_8);
        try {
            Map<String, Object> object = Json.MAPPER.readValue(body, OBJECT);
            if (object == null) {
                throw new BadRequestException("the request body must be a JSON object");
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the request body must be a JSON object: " + e.getOriginalMessage());
        }
    }
}
