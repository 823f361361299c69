-- Cổng 1022: cheaper row triggers on the pipeline's tables (issue 10). Two SQL functions called by
-- row triggers were declared IMMUTABLE while their bodies call STABLE functions, so PostgreSQL
-- could not inline them: each call ran through the SQL-function executor, which sets up (parses and
-- plans) the body again in every transaction.
--
-- 1. event_hash (migration 011) calls concat_ws, which is STABLE. The hash-chain trigger calls it
--    for every event, five per conversation: about a tenth of the database's CPU in the pipeline
--    benchmark. Declared STABLE, it is inlined into the trigger's expression. Its body, and so every
--    hash, is unchanged; the chain verification (src/store/event-chain.ts) calls the same function.
-- 2. vn_day (migration 004) calls date_part(text, timestamptz), which is STABLE. The statistics
--    triggers' WHEN evaluates it twice for every row inserted into conversations, messages and
--    events, nine rows per conversation. Declared STABLE, it is inlined there and in the statistics
--    queries; its results do not change.
-- Neither function is used by an index or a stored column, where STABLE would not be allowed.
ALTER FUNCTION event_hash(text, events) STABLE;
ALTER FUNCTION vn_day(timestamptz) STABLE;
