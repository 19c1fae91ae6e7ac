package vaultmcp.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every handler by tool name: an explicit table, no scanning. */
public final class Tools {
    private Tools() {}

    public static Map<String, ToolHandler> handlers() {
        Map<String, ToolHandler> handlers = new LinkedHashMap<>();
        new MountWriteTools().register(handlers);
        new KvTools().register(handlers);
        new PkiTools().register(handlers);
        new PkiIssuerTools().register(handlers);
        new KvVersionTools().register(handlers);
        new SysInfoTools().register(handlers);
        new TransitTools().register(handlers);
        return handlers;
    }
}
