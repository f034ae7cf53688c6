package com.procledger.projections;

import java.util.List;

/**
 * What a read model is, said once, by the read model itself: its processing group (the name operators use) and the
 * tables it writes. Rebuilds and time travel replay into copies of exactly these tables.
 */
public record ReadModel(String name, List<String> tables) {

    public ReadModel {
        tables = List.copyOf(tables);
    }
}
