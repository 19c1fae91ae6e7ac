package vaultmcp.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import vaultmcp.json.StrictJson;

/**
 * What a tool call returns: JSON as {@code structuredContent} plus the same JSON as text (for
 * clients that predate structured output), or an error text with {@code isError: true}.
 */
public record ToolResult(JsonArray content, JsonObject structured, boolean isError) {
    public static ToolResult json(JsonObject value) {
        return new ToolResult(Field.array(List.of(text(StrictJson.write(value)))), value, false);
    }

    /** A result whose JSON has the one member {@code name}. */
    static ToolResult json(String name, JsonElement value) {
        return json(new JsonObject(), name, value);
    }

    /** A result whose JSON is {@code out} with {@code name} added last. */
    static ToolResult json(JsonObject out, String name, JsonElement value) {
        out.add(name, value);
        return json(out);
    }

    public static ToolResult error(String message) {
        return new ToolResult(Field.array(List.of(text(message))), null, true);
    }

    /**
     * Adds a text block meant for the user, not the model ({@code audience: ["user"]}), such as
     * a private key. Clients that honour annotations keep it out of the model's context.
     */
    public ToolResult withUserOnly(String text) {
        JsonObject block = text(text);
        JsonObject annotations = new JsonObject();
        annotations.add("audience", Field.strings(List.of("user")));
        annotations.addProperty("priority", 1);
        block.add("annotations", annotations);
        JsonArray more = content.deepCopy();
        more.add(block);
        return new ToolResult(more, structured, isError);
    }

    public JsonObject toJson() {
        JsonObject result = new JsonObject();
        result.add("content", content);
        if (structured != null) {
            result.add("structuredContent", structured);
        }
        result.addProperty("isError", isError);
        return result;
    }

    private static JsonObject text(String text) {
        JsonObject block = new JsonObject();
        block.addProperty("type", "text");
        block.addProperty("text", text);
        return block;
    }
}
