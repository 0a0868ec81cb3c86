-- The scheduler's tick (every 100 ms) looks for auctioned requests back in `pending` with no open round
-- (store/auctions.tasksNeedingRound). Without this index it read every pending task, `fixed` ones included, on
-- each tick; with it, only the auctioned ones, in `seq` order. The query repeats this predicate word for word so
-- that the planner can prove it implies the index's (also in a prepared statement's generic plan).
CREATE INDEX IF NOT EXISTS tasks_auctioned_pending ON tasks (seq) WHERE status = 'pending' AND mechanism <> 'fixed';
