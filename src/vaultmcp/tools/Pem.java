package vaultmcp.tools;

import com.google.gson.JsonArray;

/**
 * Finds the PEM certificates in text from Vault. A plain left-to-right scan, linear in the
 * length of the text: a lazy regex ({@code BEGIN.+?END}) retried from every BEGIN marker took
 * quadratic time on a hostile answer full of BEGIN markers and no END.
 */
final class Pem {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    private Pem() {}

    /**
     * Every complete certificate block, markers included, in order. A block runs from the last
     * BEGIN before an END to that END, so it holds one of each: a BEGIN without its END is dropped,
     * and so is the start of a block cut short by another BEGIN (as Go's pem.Decode, which Vault
     * uses, skips it). The scan never goes back before the end of the last block found.
     */
    static JsonArray certificates(String text) {
        JsonArray out = new JsonArray();
        int from = 0;
        while (true) {
            int begin = text.indexOf(BEGIN, from);
            int end = begin < 0 ? -1 : text.indexOf(END, begin + BEGIN.length() + 1);
            if (end < 0) {
                return out;
            }
            // Found at or after `begin`: the backward scan covers only what the forward one did.
            begin = text.lastIndexOf(BEGIN, end - BEGIN.length() - 1);
            out.add(text.substring(begin, end + END.length()));
            from = end + END.length();
        }
    }
}
