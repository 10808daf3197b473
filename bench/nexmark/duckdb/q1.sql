-- q1 as a DuckDB batch query over the same events (tests/e2e/nexmark_test.sh): the same SQL.
SELECT auction, bidder, 0.908 * price AS price, date_time, extra FROM bid;
