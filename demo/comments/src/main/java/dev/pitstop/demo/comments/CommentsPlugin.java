package dev.pitstop.demo.comments;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.PluginContext;

/** Comments on the items of the items plugin, which this plugin depends on. */
public class CommentsPlugin extends AppPlugin {

    @Override
    public void register(PluginContext context) {
        Comments comments = new Comments(context.dataSource());
        context.routes().get("/api/items/{id}/comments", comments::list);
        context.routes().post("/api/items/{id}/comments", comments::create);
    }
}
