package com.procledger.api.http;

import com.procledger.domain.DomainException;
import com.procledger.domain.identity.Role;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Who sent this request, from their bearer token, and from where. Controllers take it as a parameter and check
 * membership and roles with it; the domain decides everything else.
 */
public record Caller(UUID userId, UUID tenantId, Set<Role> roles, String tokenId, String clientIp, String userAgent,
                     UUID personId) {

    /**
     * The person answerable for what this caller does: the user, or for an API key the user who created it. Rules
     * about people (a requester never approves, one person decides one step) are applied to this id.
     */
    public UUID personId() {
        return personId == null ? userId : personId;
    }

    /** Another tenant's resources look exactly like missing ones: 404, never 403. */
    public void requireMember(UUID tenant) {
        if (tenantId == null || !tenantId.equals(tenant)) {
            throw new DomainException.NotFound("no tenant " + tenant);
        }
    }

    public void requireAnyRole(Role... anyOf) {
        if (Arrays.stream(anyOf).noneMatch(roles::contains)) {
            throw new DomainException.NotPermitted("this needs one of the roles "
                    + Arrays.stream(anyOf).map(Role::name).collect(Collectors.joining(", ")));
        }
    }

    /** A member of {@code tenant} holding one of {@code anyOf}. */
    public void requireMemberWithRole(UUID tenant, Role... anyOf) {
        requireMember(tenant);
        requireAnyRole(anyOf);
    }

    /** Metadata for the commands this caller sends; Axon copies it onto the resulting events. */
    public Map<String, Object> commandMetadata() {
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("actor", userId.toString());
        metadata.put("actorRoles", roles.stream().map(Role::name).sorted().collect(Collectors.joining(",")));
        metadata.put("tokenId", tokenId);
        if (clientIp != null) {
            metadata.put("clientIp", clientIp);
        }
        if (userAgent != null) {
            metadata.put("userAgent", userAgent.length() > 256 ? userAgent.substring(0, 256) : userAgent);
        }
        return metadata;
    }
}
