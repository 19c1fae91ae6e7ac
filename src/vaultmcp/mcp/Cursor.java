package vaultmcp.mcp;

import com.google.gson.JsonElement;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import vaultmcp.jsonrpc.RpcException;

/** The tools/list page cursor: an offset in base64url, accepted only where a page of this size starts. */
final class Cursor {
    private Cursor() {}

    static String encode(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static int decode(JsonElement cursor, int size, int pageSize) throws RpcException {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.getAsString()), StandardCharsets.UTF_8);
            int offset = Integer.parseInt(text.substring("offset:".length()));
            if (text.startsWith("offset:") && offset > 0 && offset < size && offset % pageSize == 0) {
                return offset;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new RpcException(RpcException.INVALID_PARAMS, "Invalid params: unknown cursor");
    }
}
