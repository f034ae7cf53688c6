-- The published position (ADR 0028): readers of the ledger by position (tracking processors, head tokens,
-- investigations) see events up to here. The group-commit writer commits its batches without waiting for the disk
-- flush; a second transaction moves this row and waits for the flush, which makes every batch before it durable
-- and, only then, visible to those readers. ledger_head stays what appends number from.
CREATE TABLE ledger_published (
    id       smallint PRIMARY KEY CHECK (id = 1),
    position bigint NOT NULL
);
COMMENT ON TABLE ledger_published IS 'The ledger position up to which appends are durable and shown to readers by position. app privileges: SELECT, UPDATE';
INSERT INTO ledger_published (id, position) SELECT 1, last_position FROM ledger_head WHERE id = 1;
