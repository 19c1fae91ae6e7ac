package vaultmcp.tools;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every handler by tool name: an explicit table, no scanning. */
public final class Tools {
    private Tools() {}

    public static Map<String, ToolHandler> handlers() {
        Map<String, ToolHandler> handlers = new LinkedHashMap<>();
        KvMounts kvMounts = new KvMounts(System::nanoTime);
        new SysTools().register(handlers);
        new MountWriteTools(kvMounts).register(handlers);
        new KvTools(kvMounts).register(handlers);
        new KvWriteTools(kvMounts).register(handlers);
        new PkiTools().register(handlers);
        new PkiIssuerTools().register(handlers);
        new PkiWriteTools().register(handlers);
        return handlers;
    }
}
