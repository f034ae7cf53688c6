package com.procledger.projections;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/** Queries read through a PostgreSQL cursor, 1000 rows at a time, for exports of any size in flat memory. */
public final class Cursors {

    private Cursors() {
    }

    /**
     * Hands every row of {@code sql} to {@code row}. PostgreSQL only uses a cursor inside a transaction, so the
     * caller must open one; outside one, the driver reads the whole result first.
     */
    public static void forEachRow(JdbcTemplate jdbc, String sql, List<Object> args, RowCallbackHandler row) {
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(1000);
            for (int i = 0; i < args.size(); i++) {
                statement.setObject(i + 1, args.get(i));
            }
            return statement;
        }, row);
    }
}
