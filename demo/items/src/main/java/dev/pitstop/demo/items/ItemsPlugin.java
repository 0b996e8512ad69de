package dev.pitstop.demo.items;

import dev.pitstop.plugin.AppPlugin;
import dev.pitstop.plugin.PluginContext;

/** Items that clients create, list and look up by id. */
public class ItemsPlugin extends AppPlugin {

    @Override
    public void register(PluginContext context) {
        Items items = new Items(context.dataSource());
        context.routes().post("/api/items", items::create);
        context.routes().get("/api/items", items::list);
        context.routes().get("/api/items/{id}", items::get);
    }
}
