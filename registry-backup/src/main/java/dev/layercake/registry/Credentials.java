package dev.layercake.registry;

/**
 * A username and secret (password or identity token) for one registry. {@link #toString()} never shows
 * the secret, so a credential that slips into a message or log stays unreadable.
 */
public record Credentials(String username, String secret) {

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", secret=***]";
    }
}
