package com.procledger.api.http;

import org.springframework.security.web.firewall.StrictHttpFirewall;

import java.util.function.Predicate;

/**
 * The header values Spring Security's {@link StrictHttpFirewall} lets through, decided without its regular
 * expression for the values nearly every request has: printable ASCII and tabs only (a bearer token alone is
 * 800 characters, and the firewall checks a header's value each time it is read). Any other value is decided by
 * the firewall's own {@link StrictHttpFirewall#ALLOWED_HEADER_VALUES}, so what is refused stays what Spring
 * refuses. {@code HeaderValuesTest} compares the two over every code point and generated values.
 */
public final class HeaderValues {

    public static final Predicate<String> ALLOWED = HeaderValues::allowed;

    private HeaderValues() {
    }

    static boolean allowed(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x7E || (c < 0x20 && c != '\t')) {
                // a control character (C0, DEL) is refused; beyond ASCII the firewall's own check decides
                return c > 0x7F && StrictHttpFirewall.ALLOWED_HEADER_VALUES.test(value);
            }
        }
        return true;
    }

    /** The service's firewall: Spring's strict one, with header values checked as above. */
    public static StrictHttpFirewall firewall() {
        var firewall = new StrictHttpFirewall();
        firewall.setAllowedHeaderValues(ALLOWED);
        return firewall;
    }
}
